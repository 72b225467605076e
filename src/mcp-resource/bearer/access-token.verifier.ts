import { Inject, Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { ServiceUnavailableError } from '../../common/errors/protocol-error.js';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import {
  checkAccessTokenClaims,
  checkAccessTokenHeader,
  type AccessTokenClaims,
  type AccessTokenPolicy,
  type Checked,
} from './access-token-claims.js';
import { AuthorizationServerFetchError } from './authorization-server-http.js';
import { AuthorizationServerKeys } from './authorization-server-keys.js';

/** Far longer than any token the AS issues; refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies an RFC 9068 access token: header (alg allowlist, typ, kid), the signature with the AS key
 * that kid names, then the claims (iss, aud, exp, nbf, iat, sub, client_id, jti, scope). Returns why a
 * token is refused; throws ServiceUnavailableError only when the AS keys can't be had at all.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly policy: AccessTokenPolicy;

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
    return checkAccessTokenClaims(payload, this.policy, this.clock.nowMs() / 1000);
  }
}
