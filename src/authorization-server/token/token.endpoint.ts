import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Clock } from '../../common/clock/clock.js';
import { CLIENT_ADDRESS, FORM_BODY } from '../../core.module.js';
import { ErrorResponder } from '../../common/errors/error-responder.js';
import type { FormBodyReader } from '../../common/http-server/body-parsers.js';
import type { ClientAddress } from '../../common/http-server/client-address.js';
import { DirectRoutes, type DirectRoute } from '../../common/http-server/direct-routes.js';
import { sendJson } from '../../common/http-server/json-response.js';
import { DeferredChecks, RateLimiter, type RateLimitCheck } from '../../common/rate-limit/rate-limiter.js';
import { ClientAuthenticationError, ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { allowAnyOrigin } from '../oauth-cors.middleware.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import { RefreshTokensRepository } from '../grants/refresh-tokens.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../oauth-errors/oauth-errors.js';
import { GrantRegistry } from './grant-registry.js';
import type { TokenResponse } from './grants/token-grant.js';

/**
 * Resolution reasons that mean the client's registration is gone or no longer allowed (not a transient
 * fetch failure or a broken document, which only fail this request).
 */
const CLIENT_GONE = new Set(['document_gone', 'unknown_client', 'blocked', 'untrusted']);

/** What the token endpoint reads from the HTTP request. */
interface TokenHttpRequest {
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly address: string;
}

/**
 * The token endpoint (OAuth 2.1 section 3.2): parse -> authenticate the client -> pick the grant ->
 * let it validate and issue. Responses are never cached (section 3.2.3).
 *
 * Served as a DirectRoute, ahead of the framework's router: it is the endpoint every client calls most,
 * and the router, the framework's handler pipeline and the response helpers took about a third of its
 * CPU time per token (bench:token-endpoint). The route does what they did, in one place: the CORS header of the
 * OAuth APIs, the shared form-body reader (same limit, charsets and errors), JSON out, and every error
 * through the same ErrorResponder as the framework's routes.
 */
@Injectable()
export class TokenEndpoint implements DirectRoute, OnModuleInit {
  readonly method = 'POST';
  readonly path = '/token';

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly registry: GrantRegistry,
    private readonly rateLimiter: RateLimiter,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly grants: GrantsRepository,
    private readonly clock: Clock,
    private readonly errors: ErrorResponder,
    private readonly directRoutes: DirectRoutes,
    @Inject(CLIENT_ADDRESS) private readonly clientAddress: ClientAddress,
    @Inject(FORM_BODY) private readonly readForm: FormBodyReader,
  ) {}

  onModuleInit(): void {
    this.directRoutes.add(this);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    allowAnyOrigin(response);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    try {
      const answer = await this.token({
        body: await this.readForm(request, response),
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        address: this.clientAddress(request),
      });
      sendJson(response, 200, answer);
    } catch (error) {
      this.errors.respond(error, request, response);
    }
  }

  private async token(request: TokenHttpRequest): Promise<TokenResponse> {
    const ipCheck: RateLimitCheck = { rule: 'token:ip', key: request.address };
    // An address this process already saw refused in the current window is refused before any work.
    this.rateLimiter.refuseIfKnownOver(ipCheck);
    // Every request counts against token:ip exactly once, replays and failures included: in the statement
    // that records the assertion's jti (or counts the client), so it costs no round trip of its own, or,
    // when the request ends before that, before its answer (a 429 then replaces the error). Over the
    // limit, a request whose assertion verified has still spent its jti and its token:client count (both
    // are written in that same statement); any request after it from the address is refused up front.
    const deferred = new DeferredChecks([ipCheck]);
    try {
      const authenticated = await this.authenticate(request, deferred);
      await this.rateLimiter.enforce(...deferred.take());
      return await authenticated.grant.handle({ params: authenticated.params, authenticated: authenticated.authenticated });
    } catch (error) {
      await this.rateLimiter.enforce(...deferred.take());
      throw error;
    }
  }

  private async authenticate(request: TokenHttpRequest, deferred: DeferredChecks) {
    const params = OAuthParams.fromForm(request.body, request.contentType);
    const grantType = params.get('grant_type');
    if (grantType === undefined) throw new InvalidRequest('The grant_type parameter is required.');
    const grant = this.registry.get(grantType);
    if (!grant) throw new UnsupportedGrantType('This grant type is not supported.');

    const authenticated = await this.authenticator.authenticate(params, request.authorization, { clientRateLimit: 'token:client', deferred }).catch(async (error: unknown) => {
      if (error instanceof ClientAuthenticationError && grantType === 'refresh_token') await this.revokeIfClientGone(error, params);
      throw error;
    });
    if (!authenticated.client.metadata.grant_types.includes(grantType)) {
      throw new UnauthorizedClient('This client is not allowed to use this grant type.');
    }
    return { params, grant, authenticated };
  }

  /**
   * A refresh from a client whose CIMD document was deleted (or that was blocked) ends its grant: the
   * operator's revocation reaches the refresh token, not just the next authorization.
   */
  private async revokeIfClientGone(error: ClientAuthenticationError, params: OAuthParams): Promise<void> {
    const token = params.get('refresh_token');
    if (!token || !error.resolutionReason || !CLIENT_GONE.has(error.resolutionReason)) return;
    const record = await this.refreshTokens.find(token);
    if (record && record.clientId === error.claimedClientId) {
      await this.grants.revoke(record.grantId, `client can no longer be resolved (${error.resolutionReason})`, this.clock.now());
    }
  }
}
