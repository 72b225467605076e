import { readDeviceState } from '../state-file.js';
import type { DeviceCommand } from './device-command.js';

export const showCommand: DeviceCommand = {
  name: 'show',
  summary: 'print the saved install (never the private key) and whether its metadata document is served',
  options: {},
  help: [],
  async run(_values, common, output) {
    const state = readDeviceState(common.stateFile);
    let document: string;
    try {
      const response = await fetch(state.client_id, { redirect: 'manual' });
      document = String(response.status);
    } catch (error) {
      document = `unreachable (${(error as Error).message})`;
    }
    const { private_jwk: _secret, ...visible } = state;
    output.result(JSON.stringify({ ...visible, document_status: document }, null, 2));
  },
};
