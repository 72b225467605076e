import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { asKeyObject, signJws } from '../../common/crypto/jws.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { newAccessTokenId } from './access-token-id.js';

export interface AccessTokenRequest {
  /** The end-user, or the client itself for client_credentials (RFC 9068 section 2.2). */
  readonly subject: string;
  readonly clientId: string;
  /** The one resource the token is for (RFC 8707; RFC 9068 section 3). */
  readonly audience: string;
  readonly scopes: readonly string[];
  readonly grantId?: string;
  readonly authTime?: Date;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresIn: number;
  readonly expiresAt: Date;
}

/** JWT access tokens per RFC 9068: `typ: at+jwt`, signed with the AS's active key. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  async issue(request: AccessTokenRequest): Promise<IssuedAccessToken> {
    const key = await this.keys.activeKey();
    const now = this.clock.nowSeconds();
    const ttl = this.config.accessTokenTtlSeconds;
    const jti = newAccessTokenId(request.grantId);
    // RFC 9068 section 2.2: the claims of a JWT access token.
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: request.subject,
      aud: request.audience,
      client_id: request.clientId,
      scope: request.scopes.join(' '),
      iat: now,
      exp: now + ttl,
      jti,
    };
    if (request.authTime) claims.auth_time = Math.floor(request.authTime.getTime() / 1000);
    // RFC 9068 section 2.1: typ at+jwt.
    const token = signJws({ alg: key.alg, kid: key.kid, typ: 'at+jwt' }, claims, asKeyObject(key.key));
    return { token, jti, expiresIn: ttl, expiresAt: new Date((now + ttl) * 1000) };
  }
}
