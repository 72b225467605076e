import type { EnvReader } from '../env-reader.js';
import { readListener, type ListenerConfig } from './listener.js';

export interface ClientBackendConfig {
  readonly listener: ListenerConfig;
  /** Origin under which per-install metadata documents are published. */
  readonly publicUrl: string;
}

export function readClientBackendConfig(env: EnvReader): ClientBackendConfig {
  const listener = readListener(env, 'BACKEND', 'BACKEND_PUBLIC_URL', 3100);
  return { listener, publicUrl: listener.publicUrl };
}
