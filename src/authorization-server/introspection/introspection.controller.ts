import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock/clock.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import { RefreshTokensRepository } from '../grants/refresh-tokens.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { OwnAccessTokens } from '../token/own-access-tokens.js';

const INACTIVE = { active: false } as const;

/**
 * RFC 7662 token introspection. The caller must authenticate (section 2.1, to stop token scanning) and
 * may introspect the tokens issued to itself, and access tokens for a resource that names it as an
 * introspection client. Anything else is exactly {"active": false} (section 2.2).
 */
@Controller()
export class IntrospectionController {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly accessTokens: OwnAccessTokens,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grants: GrantsRepository,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Record<string, unknown>> {
    response.setHeader('Cache-Control', 'no-store');
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    const { client } = await this.authenticator.authenticate(params, request.header('authorization'));
    const token = params.require('token');

    const access = await this.accessTokens.verify(token);
    if (access) {
      const resource = this.config.resources.find((entry) => entry.resource === access.aud);
      const allowed = access.client_id === client.clientId || (resource?.introspectionClients ?? []).includes(client.clientId);
      if (!allowed || !(await this.accessTokens.isActive(access))) return INACTIVE;
      const { iss, sub, aud, exp, iat, jti, scope, client_id } = access;
      return { active: true, token_type: 'Bearer', scope, client_id, sub, aud, iss, exp, iat, jti };
    }
    const refresh = await this.refreshTokens.find(token);
    const now = this.clock.now();
    if (!refresh || refresh.clientId !== client.clientId || refresh.consumedAt || refresh.expiresAt <= now) return INACTIVE;
    const grant = await this.grants.find(refresh.grantId);
    if (!grant || grant.revokedAt || grant.expiresAt <= now) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      scope: grant.scopes.join(' '),
      client_id: refresh.clientId,
      ...(grant.userId ? { sub: grant.userId } : {}),
      exp: Math.floor(refresh.expiresAt.getTime() / 1000),
      iss: this.config.issuer,
    };
  }
}
