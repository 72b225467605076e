import { Inject, Injectable } from '@nestjs/common';
import { AS_CONFIG } from '../../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../../config/sections/authorization-server.js';
import { checkResources } from '../../authorize/checks/resources.js';
import { checkScopes } from '../../authorize/checks/scopes.js';
import { UnauthorizedClient } from '../../oauth-errors/oauth-errors.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import type { TokenGrant, TokenRequest, TokenResponse } from './token-grant.js';

/**
 * OAuth 2.1 section 4.2: a confidential client acting on its own behalf (no user, no refresh token).
 * Only for clients whose metadata lists the grant type; the token's subject is the client (RFC 9068 section 2.2).
 */
@Injectable()
export class ClientCredentialsGrant implements TokenGrant {
  readonly grantType = 'client_credentials';

  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  async handle({ params, authenticated }: TokenRequest): Promise<TokenResponse> {
    const { client } = authenticated;
    // Section 2.1: a public client can't prove who it is, so it can't use this grant.
    if (!client.confidential) throw new UnauthorizedClient('Public clients may not use the client_credentials grant.');
    const [resource] = checkResources(params.getAll('resource'), this.config.resources, false);
    const scopes = checkScopes(params.get('scope'), [resource], client.metadata.scope);
    const accessToken = await this.accessTokens.issue({ subject: client.clientId, clientId: client.clientId, audience: resource.resource, scopes });
    return { access_token: accessToken.token, token_type: 'Bearer', expires_in: accessToken.expiresIn, scope: scopes.join(' ') };
  }
}
