import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnModuleInit } from '@nestjs/common';
import { AccountController } from './account/account.controller.js';
import { ClientsModule } from './clients/clients.module.js';
import { CIMD_CONFIG } from '../config/config.tokens.js';
import type { CimdConfig } from '../config/sections/cimd.js';
import { AuthorizationResponses } from './authorize/authorization-flow.service.js';
import { AuthorizeController } from './authorize/authorize.controller.js';
import { CodeIssuer } from './authorize/code-issuer.js';
import { InteractionController } from './authorize/interaction.controller.js';
import { InteractionsRepository } from './authorize/interactions.repository.js';
import { ASSERTION_ALGORITHMS } from './client-auth/assertion-claims.js';
import { ClientAuthenticator } from './client-auth/client-authenticator.js';
import { ClientSecretVerifier } from './client-auth/client-secret.verifier.js';
import { JtiReplayRepository } from './client-auth/jti-replay.repository.js';
import { PrivateKeyJwtVerifier } from './client-auth/private-key-jwt.verifier.js';
import { AuthorizationCodesRepository } from './grants/authorization-codes.repository.js';
import { ConsentsRepository } from './grants/consents.repository.js';
import { GrantsRepository } from './grants/grants.repository.js';
import { RefreshTokensRepository } from './grants/refresh-tokens.repository.js';
import { IntrospectionController } from './introspection/introspection.controller.js';
import { KeysModule } from './keys/keys.module.js';
import { AuthorizationServerMetadata } from './metadata/authorization-server-metadata.js';
import { MetadataModule } from './metadata/metadata.module.js';
import { RevocationController } from './revocation/revocation.controller.js';
import { CsrfService } from './sessions/csrf.service.js';
import { LoginService } from './sessions/login.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenIssuer } from './token/access-token.issuer.js';
import { GrantRegistry } from './token/grant-registry.js';
import { AuthorizationCodeGrant } from './token/grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './token/grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './token/grants/refresh-token.grant.js';
import { TOKEN_GRANTS } from './token/grants/token-grant.js';
import { OwnAccessTokens } from './token/own-access-tokens.js';
import { TokenEndpoint } from './token/token.endpoint.js';
import { oauthApiCors } from './oauth-cors.middleware.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

/** OAuth 2.1 core: authorization endpoint with login and consent, token endpoint, revocation, introspection. */
@Module({
  imports: [MetadataModule, KeysModule, ClientsModule],
  controllers: [AuthorizeController, InteractionController, AccountController, RevocationController, IntrospectionController],
  providers: [
    TokenEndpoint,
    UsersRepository,
    UsersService,
    SessionsService,
    CsrfService,
    LoginService,
    InteractionsRepository,
    CodeIssuer,
    AuthorizationResponses,
    GrantsRepository,
    AuthorizationCodesRepository,
    RefreshTokensRepository,
    ConsentsRepository,
    JtiReplayRepository,
    PrivateKeyJwtVerifier,
    ClientSecretVerifier,
    ClientAuthenticator,
    AccessTokenIssuer,
    OwnAccessTokens,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    {
      provide: TOKEN_GRANTS,
      useFactory: (...grants: unknown[]) => grants,
      inject: [AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant],
    },
    GrantRegistry,
  ],
})
export class OAuthModule implements OnModuleInit, NestModule {
  constructor(
    private readonly metadata: AuthorizationServerMetadata,
    private readonly grants: GrantRegistry,
    @Inject(CIMD_CONFIG) private readonly cimd: CimdConfig,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(oauthApiCors)
      .forRoutes(
        { path: 'token', method: RequestMethod.ALL },
        { path: 'revoke', method: RequestMethod.ALL },
        { path: 'register', method: RequestMethod.ALL },
      );
  }

  /** RFC 8414 section 2: advertise exactly the endpoints, grants and methods implemented here. */
  onModuleInit(): void {
    // Shared secrets exist only for DCR clients and configured clients; CIMD clients never have one.
    const secrets =
      this.cimd.dcr.enabled || this.cimd.staticClients.some((client) => client.secretHash !== undefined);
    const authMethods = ['none', 'private_key_jwt', ...(secrets ? ['client_secret_basic', 'client_secret_post'] : [])];
    this.metadata.contribute(() => ({
      authorization_endpoint: this.metadata.endpoint('/authorize'),
      token_endpoint: this.metadata.endpoint('/token'),
      revocation_endpoint: this.metadata.endpoint('/revoke'),
      introspection_endpoint: this.metadata.endpoint('/introspect'),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: this.grants.types(),
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: authMethods,
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      revocation_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      introspection_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      authorization_response_iss_parameter_supported: true,
      prompt_values_supported: ['none', 'login', 'consent'],
    }));
  }
}
