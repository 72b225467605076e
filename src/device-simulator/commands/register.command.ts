import { existsSync } from 'node:fs';
import { registerSimulatedDevice, SIMULATED_FORMATS, type SimulatedFormat } from '../simulated-device.js';
import { writeDeviceState } from '../state-file.js';
import { UsageError, type DeviceCommand } from './device-command.js';

export const registerCommand: DeviceCommand = {
  name: 'register',
  summary: 'create a device key, attest it through the development CA, register the install, print its client_id',
  options: {
    format: { type: 'string' },
    profile: { type: 'string' },
    platform: { type: 'string' },
    package: { type: 'string' },
    'signing-digest': { type: 'string' },
    force: { type: 'boolean' },
  },
  help: [
    `--format ${SIMULATED_FORMATS.join('|')}   attestation to build (default android-key)`,
    '--profile <id>            app profile (default ticket-desk)',
    '--platform <name>         platform (default: android for android-key, windows for packed)',
    '--package <name>          Android package name Keystore attests (default: the demo app)',
    '--signing-digest <hex>    SHA-256 of the app signing certificate Keystore attests (default: the demo app)',
    '--force                   replace an existing state file',
  ],
  async run(values, common, output) {
    const format = (values.format ?? 'android-key') as SimulatedFormat;
    if (!SIMULATED_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${SIMULATED_FORMATS.join(', ')}`);
    if (existsSync(common.stateFile) && !values.force) {
      throw new UsageError(`${common.stateFile} already holds a device; pass --force to replace it, or --state <file> for another device`);
    }
    const state = await registerSimulatedDevice({
      backendUrl: common.backendUrl,
      dataDir: common.dataDir,
      format,
      profileId: values.profile as string | undefined,
      platform: values.platform as string | undefined,
      packageName: values.package as string | undefined,
      signingCertDigest: values['signing-digest'] as string | undefined,
    });
    writeDeviceState(common.stateFile, state);
    output.info(`registered install ${state.install_id} (${state.platform}, ${state.format}, assurance ${state.assurance}); state in ${common.stateFile}`);
    output.result(state.client_id);
  },
};
