import { refreshSession } from '../oauth/app-session.js';
import { readDeviceState, writeDeviceState } from '../state-file.js';
import type { DeviceCommand } from './device-command.js';

export const refreshCommand: DeviceCommand = {
  name: 'refresh',
  summary: 'refresh the tokens with private_key_jwt (the refresh token rotates); print the new access token',
  options: {},
  help: [],
  async run(_values, common, output) {
    const state = readDeviceState(common.stateFile);
    const session = await refreshSession(state);
    writeDeviceState(common.stateFile, { ...state, session });
    output.info(`refreshed: new access token until ${session.expires_at}, refresh token rotated`);
    output.result(session.access_token);
  },
};
