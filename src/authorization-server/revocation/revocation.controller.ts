import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock/clock.js';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import { RefreshTokensRepository } from '../grants/refresh-tokens.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { UnsupportedTokenType } from '../oauth-errors/oauth-errors.js';
import { OwnAccessTokens } from '../token/own-access-tokens.js';

const HINTS = ['access_token', 'refresh_token'];

/**
 * RFC 7009: the client authenticates as at the token endpoint and may revoke only its own tokens.
 * Unknown, invalid or foreign tokens still get 200 (section 2.2), so the endpoint reveals nothing.
 * Revoking a refresh token revokes its whole grant, including the access tokens (section 2.1).
 */
@Controller()
export class RevocationController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grants: GrantsRepository,
    private readonly accessTokens: OwnAccessTokens,
    private readonly clock: Clock,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    const { client } = await this.authenticator.authenticate(params, request.header('authorization'));
    const token = params.require('token');
    const hint = params.get('token_type_hint');
    if (hint !== undefined && !HINTS.includes(hint)) throw new UnsupportedTokenType('Only access_token and refresh_token can be revoked.');

    const refresh = await this.refreshTokens.find(token);
    if (refresh) {
      if (refresh.clientId === client.clientId) await this.grants.revoke(refresh.grantId, 'refresh token revoked by the client', this.clock.now());
      return;
    }
    const access = await this.accessTokens.verify(token);
    if (access && access.client_id === client.clientId) await this.accessTokens.revoke(access);
  }
}
