import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock/clock.js';
import { randomToken } from '../../../common/crypto/random.js';
import { AppLogger } from '../../../common/logging/app-logger.js';
import { OAUTH_CONFIG } from '../../../config/config.tokens.js';
import type { OAuthConfig } from '../../../config/sections/oauth.js';
import { parseScope, OFFLINE_ACCESS } from '../../authorize/checks/scopes.js';
import { GrantsRepository } from '../../grants/grants.repository.js';
import { RefreshTokensRepository } from '../../grants/refresh-tokens.repository.js';
import { InvalidGrant, InvalidScope } from '../../oauth-errors/oauth-errors.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { selectAudience } from './audience.js';
import type { TokenGrant, TokenRequest, TokenResponse } from './token-grant.js';

/**
 * OAuth 2.1 section 4.3: refresh with rotation and reuse detection (section 4.3.1, BCP section 4.14.2).
 * The client was authenticated against its current metadata first, so a CIMD client whose document is
 * gone never gets here (and its grant is revoked by the token endpoint).
 */
@Injectable()
export class RefreshTokenGrant implements TokenGrant {
  readonly grantType = 'refresh_token';
  private readonly logger: AppLogger;

  constructor(
    private readonly grants: GrantsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly clock: Clock,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child('RefreshTokenGrant');
  }

  async handle({ params, authenticated }: TokenRequest): Promise<TokenResponse> {
    const { client, method } = authenticated;
    const value = params.require('refresh_token');
    const now = this.clock.now();
    const requested = parseScope(params.get('scope')).filter((scope) => scope !== OFFLINE_ACCESS);
    const resources = params.getAll('resource');
    const next = randomToken();
    // Read, check and rotate in one statement; the checks below name the reason when it did not rotate.
    // They must match the statement's conditions one for one (see ROTATE in refresh-tokens.repository.ts).
    const { record, grant, rotated } = await this.refreshTokens.rotate({
      token: value,
      next,
      clientId: client.clientId,
      method,
      now,
      idleExpiry: new Date(now.getTime() + this.config.refreshTokenIdleSeconds * 1000),
      scopes: requested,
      resources,
    });
    if (!record) throw new InvalidGrant('unknown refresh token');
    // Bound to the client it was issued to (OAuth 2.1 section 4.3.1).
    if (record.clientId !== client.clientId) throw new InvalidGrant(`refresh token belongs to ${record.clientId}`);
    if (!grant || grant.revokedAt) throw new InvalidGrant('grant is revoked');
    // A grant made under private_key_jwt never falls back to a weaker method, even if the document changed.
    if (grant.authMethod !== null && grant.authMethod !== method) {
      await this.grants.revoke(grant.id, `client authentication changed from ${grant.authMethod} to ${method}`, now);
      throw new InvalidGrant(`grant requires ${grant.authMethod}, got ${method}; grant revoked`);
    }
    if (record.consumedAt !== null) return this.reused(grant.id, now);
    if (record.expiresAt.getTime() <= now.getTime() || grant.expiresAt.getTime() <= now.getTime()) {
      throw new InvalidGrant('refresh token expired');
    }
    // Section 4.3.1: the new access token's scope may be narrower, never wider, than the grant.
    if (requested.some((scope) => !grant.scopes.includes(scope))) {
      throw new InvalidScope('The requested scope exceeds the scope originally granted.');
    }
    const scopes = requested.length > 0 ? requested : grant.scopes;
    const audience = selectAudience(resources, grant.resources);
    // Every check passed on the snapshot, yet another request consumed the token first: a reuse.
    if (!rotated) return this.reused(grant.id, now);
    const accessToken = await this.accessTokens.issue({
      subject: grant.userId ?? client.clientId,
      clientId: client.clientId,
      audience,
      scopes,
      grantId: grant.id,
    });
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresIn,
      scope: scopes.join(' '),
      refresh_token: next,
    };
  }

  private async reused(grantId: string, now: Date): Promise<never> {
    await this.grants.revoke(grantId, 'refresh token reused', now);
    this.logger.warn('refresh token reused: grant revoked', { grantId });
    throw new InvalidGrant('refresh token was already used; its grant is revoked');
  }
}
