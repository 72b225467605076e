import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { grantIdOf } from './access-token-id.js';

export interface OwnAccessToken extends JWTPayload {
  readonly jti: string;
  readonly client_id: string;
  readonly exp: number;
}

/** Reads back access tokens this AS issued, for revocation and introspection. */
@Injectable()
export class OwnAccessTokens {
  private keySet?: { source: JSONWebKeySet; verifier: ReturnType<typeof createLocalJWKSet> };

  constructor(
    private readonly keys: SigningKeysService,
    private readonly grants: GrantsRepository,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  /** The claims when the token is a well-formed, unexpired access token signed by this AS. */
  async verify(token: string): Promise<OwnAccessToken | undefined> {
    if (token.length > 8192 || token.split('.').length !== 3) return undefined;
    try {
      const { payload } = await jwtVerify(token, await this.verificationKeys(), {
        issuer: this.config.issuer,
        typ: 'at+jwt',
        currentDate: this.clock.now(),
        algorithms: ['ES256', 'EdDSA'],
      });
      if (typeof payload.jti !== 'string' || typeof payload.client_id !== 'string' || typeof payload.exp !== 'number') return undefined;
      return payload as OwnAccessToken;
    } catch {
      return undefined;
    }
  }

  /** The local key set, rebuilt only when the published keys change. */
  private async verificationKeys(): Promise<ReturnType<typeof createLocalJWKSet>> {
    const source = await this.keys.jwks();
    if (this.keySet?.source !== source) this.keySet = { source, verifier: createLocalJWKSet(source) };
    return this.keySet.verifier;
  }

  /** Active = not individually revoked and, when it came from a grant, that grant is still live. */
  async isActive(token: OwnAccessToken): Promise<boolean> {
    const revoked: unknown[] = await this.dataSource.query('SELECT 1 FROM revoked_access_tokens WHERE jti = $1', [token.jti]);
    if (revoked.length > 0) return false;
    const grantId = grantIdOf(token.jti);
    return grantId === undefined || (await this.grants.isActive(grantId, this.clock.now()));
  }

  async revoke(token: OwnAccessToken): Promise<void> {
    await this.dataSource.query('INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      token.jti,
      new Date(token.exp * 1000),
    ]);
  }
}
