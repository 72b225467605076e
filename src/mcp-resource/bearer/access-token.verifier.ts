import { Inject, Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { ServiceUnavailableError } from '../../common/errors/protocol-error.js';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import {
  checkAccessTokenClaims,
  checkAccessTokenHeader,
  type AcceptedAlgorithm,
  type AccessTokenClaims,
  type AccessTokenPolicy,
  type Checked,
} from './access-token-claims.js';
import { AuthorizationServerFetchError } from './authorization-server-http.js';
import { AuthorizationServerKeys, type VerifyKey } from './authorization-server-keys.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** Far longer than any token the AS issues; refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const decoder = new TextDecoder('utf-8', { fatal: true });
const CACHE_ENTRIES = 10_000;

/** A signature already verified: by which key, and the payload it covered. */
interface Verified {
  readonly kid: string;
  readonly alg: AcceptedAlgorithm;
  readonly key: VerifyKey;
  readonly payload: unknown;
}

/**
 * Verifies an RFC 9068 access token: header (alg allowlist, typ, kid), the signature with the AS key
 * that kid names, then the claims (iss, aud, exp, nbf, iat, sub, client_id, jti, scope). Returns why a
 * token is refused; throws ServiceUnavailableError only when the AS keys can't be had at all.
 *
 * A client sends the same token with every call until it expires, so a verified signature is
 * remembered: the next call skips the signature (while the AS still publishes that key) but has its
 * claims checked again, so expiry is exact.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly policy: AccessTokenPolicy;
  private readonly verified = new VerifiedTokenCache<Verified>(CACHE_ENTRIES);

  constructor(
    private readonly keys: AuthorizationServerKeys,
    @Inject(MCP_CONFIG) config: McpResourceConfig,
    private readonly clock: Clock,
  ) {
    this.policy = { issuer: config.authorizationServerIssuer, resource: config.resource, clockSkewSeconds: config.clockSkewSeconds };
  }

  async verify(token: string): Promise<Checked<AccessTokenClaims>> {
    if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: `token of ${token.length} characters` };
    if (!COMPACT_JWS.test(token)) return { ok: false, reason: 'not a compact JWS' };
    const id = sha256Base64Url(token);
    const remembered = this.verified.get(id);
    if (remembered && this.keys.isCurrent(remembered.kid, remembered.alg, remembered.key)) {
      const checked = checkAccessTokenClaims(remembered.payload, this.policy, this.clock.nowMs() / 1000);
      if (!checked.ok) this.verified.delete(id);
      return checked;
    }
    let header: unknown;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return { ok: false, reason: 'header is not base64url JSON' };
    }
    const checkedHeader = checkAccessTokenHeader(header);
    if (!checkedHeader.ok) return checkedHeader;
    const { alg, kid } = checkedHeader.value;
    let key;
    try {
      key = await this.keys.key(kid, alg);
    } catch (error) {
      if (error instanceof AuthorizationServerFetchError) throw new ServiceUnavailableError(`AS keys unavailable: ${error.message}`, error);
      throw error;
    }
    if (!key) return { ok: false, reason: `no ${alg} key with kid ${kid} in the AS JWKS` };
    let payload: unknown;
    try {
      const verified = await compactVerify(token, key, { algorithms: [alg] });
      payload = JSON.parse(decoder.decode(verified.payload));
    } catch (error) {
      return { ok: false, reason: `signature or payload rejected (${(error as { code?: string }).code ?? (error as Error).name})` };
    }
    const checked = checkAccessTokenClaims(payload, this.policy, this.clock.nowMs() / 1000);
    if (checked.ok) this.verified.set(id, { kid, alg, key, payload });
    return checked;
  }
}
