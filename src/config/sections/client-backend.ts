import type { EnvReader } from '../env-reader.js';
import { readAdminCredential, type AdminCredential } from './admin.js';
import { readListener, type ListenerConfig } from './listener.js';

export interface ClientBackendConfig {
  readonly listener: ListenerConfig;
  /** Origin under which per-install metadata documents are published. */
  readonly publicUrl: string;
  /** Operator API (installs). */
  readonly admin: AdminCredential;
}

export function readClientBackendConfig(env: EnvReader): ClientBackendConfig {
  const listener = readListener(env, 'BACKEND', 'BACKEND_PUBLIC_URL', 3100);
  return { listener, publicUrl: listener.publicUrl, admin: readAdminCredential(env, 'BACKEND', 'backend') };
}
