import { rotateSimulatedDeviceKey } from '../simulated-device.js';
import { readDeviceState, writeDeviceState } from '../state-file.js';
import type { DeviceCommand } from './device-command.js';

export const rotateCommand: DeviceCommand = {
  name: 'rotate',
  summary: 'replace the device key (new key, new attestation, request signed by the current key); print the new kid',
  options: { package: { type: 'string' }, 'signing-digest': { type: 'string' } },
  help: ['--package, --signing-digest   as for register'],
  async run(values, common, output) {
    const state = readDeviceState(common.stateFile);
    const rotated = await rotateSimulatedDeviceKey(state, {
      dataDir: common.dataDir,
      packageName: values.package as string | undefined,
      signingCertDigest: values['signing-digest'] as string | undefined,
    });
    writeDeviceState(common.stateFile, rotated);
    output.info(`rotated the key of ${state.client_id}: ${state.kid} -> ${rotated.kid}`);
    output.result(rotated.kid);
  },
};
