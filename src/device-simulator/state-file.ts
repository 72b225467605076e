import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceState } from './simulated-device.js';

export const DEFAULT_STATE_FILE = './data/device.json';

export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

export function readDeviceState(file: string): DeviceState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new StateFileError(`no device state in ${file}: run \`npm run device -- register\` first`);
  }
  try {
    const state = JSON.parse(text) as DeviceState;
    if (state.version !== 1 || typeof state.install_id !== 'string' || typeof state.private_jwk?.d !== 'string') throw new Error('unexpected content');
    return state;
  } catch (error) {
    throw new StateFileError(`${file} is not a device state file (${(error as Error).message})`);
  }
}

/** Writes atomically, readable by the owner only: it holds the device's private key. */
export function writeDeviceState(file: string, state: DeviceState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
