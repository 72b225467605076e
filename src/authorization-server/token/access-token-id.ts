import { randomToken } from '../../common/crypto/random.js';

/**
 * Access token `jti` values name their grant (`g.<grant uuid>.<random>`), so introspection can tell that
 * a token's grant was revoked without storing a row per token. Client-credentials tokens have no grant
 * (`c.<random>`). The jti stays opaque to resource servers.
 */
export function newAccessTokenId(grantId?: string): string {
  return grantId ? `g.${grantId}.${randomToken(12)}` : `c.${randomToken(16)}`;
}

const GRANT_JTI = /^g\.([0-9a-f-]{36})\.[A-Za-z0-9_-]+$/;

export function grantIdOf(jti: string): string | undefined {
  return GRANT_JTI.exec(jti)?.[1];
}
