import type { Clock } from '../../common/clock/clock.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { generateSigningKey } from './signing-key.factory.js';
import type { SigningKeysRepository } from './signing-keys.repository.js';

/** Extra time a retired key stays published beyond the longest token lifetime and key cache. */
const PUBLISH_SKEW_SECONDS = 60;

export interface RotationResult {
  readonly previous?: string;
  readonly current: string;
  readonly previousPublishedUntil: Date;
}

/**
 * Makes a new key the signing key and retires the old one, which stays in the JWKS until every token
 * it may have signed has expired: replicas keep signing with it for up to keyCacheSeconds, and those
 * tokens live accessTokenTtlSeconds.
 */
export async function rotateSigningKey(
  repository: SigningKeysRepository,
  kek: Buffer,
  config: Pick<AuthorizationServerConfig, 'signingAlg' | 'accessTokenTtlSeconds' | 'keyCacheSeconds'>,
  clock: Clock,
): Promise<RotationResult> {
  const now = clock.now();
  const next = await generateSigningKey(config.signingAlg, kek, now);
  const keepSeconds = config.accessTokenTtlSeconds + config.keyCacheSeconds + PUBLISH_SKEW_SECONDS;
  const previousPublishedUntil = new Date(now.getTime() + keepSeconds * 1000);
  const previous = await repository.rotate(next, now, previousPublishedUntil);
  return { previous: previous?.kid, current: next.kid, previousPublishedUntil };
}
