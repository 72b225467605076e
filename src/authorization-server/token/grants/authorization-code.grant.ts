import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/clock/clock.js';
import { randomToken } from '../../../common/crypto/random.js';
import { AppLogger } from '../../../common/logging/app-logger.js';
import { OAUTH_CONFIG } from '../../../config/config.tokens.js';
import type { OAuthConfig } from '../../../config/sections/oauth.js';
import { verifyCodeVerifier } from '../../authorize/checks/pkce.js';
import { AuthorizationCodesRepository } from '../../grants/authorization-codes.repository.js';
import { GrantsRepository } from '../../grants/grants.repository.js';
import { refreshTokenExpiry, RefreshTokensRepository } from '../../grants/refresh-tokens.repository.js';
import { InvalidGrant } from '../../oauth-errors/oauth-errors.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { selectAudience } from './audience.js';
import type { TokenGrant, TokenRequest, TokenResponse } from './token-grant.js';

/** OAuth 2.1 section 4.1.3: exchange an authorization code (with PKCE) for tokens. */
@Injectable()
export class AuthorizationCodeGrant implements TokenGrant {
  readonly grantType = 'authorization_code';
  private readonly logger: AppLogger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly codes: AuthorizationCodesRepository,
    private readonly grants: GrantsRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly clock: Clock,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child('AuthorizationCodeGrant');
  }

  async handle({ params, authenticated }: TokenRequest): Promise<TokenResponse> {
    const { client, method } = authenticated;
    const value = params.require('code');
    const code = await this.codes.find(value);
    const now = this.clock.now();
    if (!code) throw new InvalidGrant('unknown authorization code');
    // The code must have been issued to this client (OAuth 2.1 section 4.1.3).
    if (code.clientId !== client.clientId) throw new InvalidGrant(`code was issued to ${code.clientId}`);
    // OAuth 2.1 section 4.1.3: a code issued without a challenge is refused; a verifier must match it.
    if (code.codeChallenge === null) throw new InvalidGrant('code has no PKCE challenge');
    if (!verifyCodeVerifier(params.get('code_verifier'), code.codeChallenge)) throw new InvalidGrant('code_verifier missing or does not match');
    const redirectUri = params.get('redirect_uri');
    if (redirectUri !== undefined && redirectUri !== code.redirectUri) throw new InvalidGrant('redirect_uri differs from the authorization request');
    const audience = selectAudience(params.getAll('resource'), code.resources);

    // Only a request that passed every check above counts as a replay (OAuth 2.1 section 4.1.3 and
    // 7.5.2: revoking on an invalid replay would let anyone who saw the code cancel the user's grant).
    if (code.consumedAt !== null) return this.replayed(code.grantId, now);
    if (code.expiresAt.getTime() <= now.getTime()) throw new InvalidGrant('authorization code expired');

    const issueRefresh = client.metadata.grant_types.includes('refresh_token');
    const refreshToken = issueRefresh ? randomToken() : undefined;
    const grant = await this.grants.find(code.grantId);
    if (!grant || grant.revokedAt) throw new InvalidGrant('grant was revoked');
    const consumed = await this.dataSource.transaction(async (manager) => {
      if (!(await this.codes.consume(value, now, manager))) return false;
      await this.grants.bindAuthMethod(code.grantId, method, manager);
      if (refreshToken) {
        const expiresAt = refreshTokenExpiry(now, this.config.refreshTokenIdleSeconds, grant.expiresAt);
        await this.refreshTokens.insert(refreshToken, code.grantId, client.clientId, now, expiresAt, manager);
      }
      return true;
    });
    if (!consumed) return this.replayed(code.grantId, now);

    const accessToken = await this.accessTokens.issue({
      subject: code.userId,
      clientId: client.clientId,
      audience,
      scopes: code.scopes,
      grantId: code.grantId,
      authTime: code.authTime,
    });
    return {
      access_token: accessToken.token,
      token_type: 'Bearer',
      expires_in: accessToken.expiresIn,
      scope: code.scopes.join(' '),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
    };
  }

  private async replayed(grantId: string, now: Date): Promise<never> {
    await this.grants.revoke(grantId, 'authorization code reused', now);
    this.logger.warn('authorization code reused: grant revoked', { grantId });
    throw new InvalidGrant('authorization code was already used; its grant is revoked');
  }
}
