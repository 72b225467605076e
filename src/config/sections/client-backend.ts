import { ConfigError } from '../config-error.js';
import type { EnvReader } from '../env-reader.js';
import { readAdminCredential, type AdminCredential } from './admin.js';
import { readAppProfiles, ROOTED_FORMATS, type AppProfile, type RootedFormat } from './app-profiles.js';
import { readTrustRoots, type TrustRootsConfig } from './attestation-roots.js';
import { DEMO_APP_PROFILES } from './demo-app-profile.js';
import { readListener, type ListenerConfig } from './listener.js';

export interface ClientBackendConfig {
  readonly listener: ListenerConfig;
  /** Origin under which per-install metadata documents are published. */
  readonly publicUrl: string;
  /** Operator API (installs). */
  readonly admin: AdminCredential;
  /** The apps whose installs this backend registers. */
  readonly profiles: readonly AppProfile[];
  /** How long an attestation challenge stays usable. */
  readonly challengeTtlSeconds: number;
  /** Cache-Control max-age of metadata documents; bounds how long an AS may keep a revoked document. */
  readonly documentMaxAgeSeconds: number;
  /** How long this process reuses a rendered document before reading the install again (0: never). */
  readonly documentCacheMs: number;
  readonly trustRoots: TrustRootsConfig;
  /** Development only: a CA generated in DATA_DIR, trusted for every rooted format (device simulator). */
  readonly devAttestationCa: boolean;
  /** Development only: accept the `none` format where a profile lists it. */
  readonly allowNoneFormat: boolean;
}

export function readClientBackendConfig(env: EnvReader): ClientBackendConfig {
  const listener = readListener(env, 'BACKEND', 'BACKEND_PUBLIC_URL', 3100);
  if (new URL(listener.publicUrl).pathname !== '/') {
    env.fail('BACKEND_PUBLIC_URL', 'an origin without a path (documents are served at /<install-id>/client.json)', listener.publicUrl);
  }
  const development = env.mode === 'development';
  return {
    listener,
    publicUrl: listener.publicUrl,
    admin: readAdminCredential(env, 'BACKEND', 'backend'),
    profiles: readAppProfiles(env.json<unknown>('BACKEND_APP_PROFILES', development ? DEMO_APP_PROFILES : []), development),
    challengeTtlSeconds: env.seconds('BACKEND_CHALLENGE_TTL', 300, { min: 30, max: 900 }),
    documentMaxAgeSeconds: env.seconds('BACKEND_DOCUMENT_MAX_AGE', 60, { min: 0, max: 3600 }),
    documentCacheMs: env.int('BACKEND_DOCUMENT_CACHE_MS', 1000, { min: 0, max: 10_000 }),
    trustRoots: readTrustRoots(env),
    devAttestationCa: env.devSwitch('BACKEND_DEV_ATTESTATION_CA'),
    allowNoneFormat: env.devSwitch('BACKEND_DEV_ALLOW_NONE'),
  };
}

/**
 * Rules that apply whenever this process runs the client backend: at least one profile; `none` only
 * with its development switch; every enabled certificate-chain format has trust roots (in production
 * the development CA is off, so the operator must configure them).
 */
export function checkClientBackendConfig(config: ClientBackendConfig): void {
  if (config.profiles.length === 0) {
    throw new ConfigError('BACKEND_APP_PROFILES must list at least one app profile (there is no default outside development mode)');
  }
  for (const profile of config.profiles) {
    for (const [platform, policy] of Object.entries(profile.platforms)) {
      for (const format of policy!.formats) {
        if (format === 'none' && !config.allowNoneFormat) {
          throw new ConfigError(
            `BACKEND_APP_PROFILES profile "${profile.id}" accepts format none for ${platform}, which needs the development-only switch BACKEND_DEV_ALLOW_NONE`,
          );
        }
        const rooted = ROOTED_FORMATS.includes(format as RootedFormat);
        if (rooted && config.trustRoots[format as RootedFormat].length === 0 && !config.devAttestationCa) {
          throw new ConfigError(
            `BACKEND_ATTESTATION_ROOTS has no trust roots for ${format}, which profile "${profile.id}" accepts for ${platform}`,
          );
        }
      }
    }
  }
}
