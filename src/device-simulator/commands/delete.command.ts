import { rmSync } from 'node:fs';
import { deleteSimulatedDevice } from '../simulated-device.js';
import { readDeviceState } from '../state-file.js';
import type { DeviceCommand } from './device-command.js';

export const deleteCommand: DeviceCommand = {
  name: 'delete',
  summary: 'delete the install (signed by the device key) and remove the state file; print the deleted client_id',
  options: {},
  help: [],
  async run(_values, common, output) {
    const state = readDeviceState(common.stateFile);
    await deleteSimulatedDevice(state);
    rmSync(common.stateFile, { force: true });
    output.info(`deleted install ${state.install_id}; its document now answers 410`);
    output.result(state.client_id);
  },
};
