import { Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { AS_CONFIG, OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import { ClientResolutionError, ClientResolver, type Client } from '../clients/client.js';
import { ConsentsRepository } from '../grants/consents.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { InteractionRequired, OAuthError } from '../oauth-errors/oauth-errors.js';
import { PageErrorFilter } from '../pages/page-error.filter.js';
import { renderErrorPage } from '../pages/pages.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { AuthorizationResponses } from './authorization-flow.service.js';
import {
  RedirectableError,
  type AuthorizationRequest,
  UnverifiedRedirectError,
  validateAuthorizationRequest,
  verifyRedirectUri,
} from './authorization-request.js';
import { clientProblemMessage } from './client-problem.js';
import { CodeIssuer } from './code-issuer.js';
import { InteractionsRepository } from './interactions.repository.js';

/**
 * The authorization endpoint (OAuth 2.1 section 4.1.1), GET and POST. Until the client and its redirect
 * URI are verified, every error is a page here (section 4.1.2.1); afterwards errors carry state and iss.
 */
@Controller()
@UseFilters(PageErrorFilter)
export class AuthorizeController {
  private readonly logger: AppLogger;

  constructor(
    private readonly clients: ClientResolver,
    private readonly responses: AuthorizationResponses,
    private readonly sessions: SessionsService,
    private readonly consents: ConsentsRepository,
    private readonly interactions: InteractionsRepository,
    private readonly codes: CodeIssuer,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly asConfig: AuthorizationServerConfig,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child('Authorize');
  }

  @Get('authorize')
  async get(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.handle(() => OAuthParams.fromUrl(request.originalUrl), request, response);
  }

  @Post('authorize')
  async post(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.handle(() => OAuthParams.fromForm(request.body, request.header('content-type')), request, response);
  }

  private async handle(read: () => OAuthParams, request: Request, response: Response): Promise<void> {
    const invalid = (message: string) => renderErrorPage(response, { status: 400, title: 'Invalid authorization request', message });
    let params: OAuthParams;
    try {
      params = read();
    } catch (error) {
      if (error instanceof OAuthError) return invalid(error.description);
      throw error;
    }
    const clientId = params.get('client_id');
    if (clientId === undefined) return invalid('The request does not say which application is asking (client_id is missing).');
    let client: Client;
    try {
      client = await this.clients.resolve(clientId);
    } catch (error) {
      if (!(error instanceof ClientResolutionError)) throw error;
      this.logger.info('authorization refused: client not resolved', { clientId, reason: error.reason, detail: error.message });
      return renderErrorPage(response, { status: 400, title: 'This application can’t be verified', message: clientProblemMessage(error.reason) });
    }
    let redirectUri: string;
    try {
      redirectUri = verifyRedirectUri(params, client, this.config);
    } catch (error) {
      if (!(error instanceof UnverifiedRedirectError)) throw error;
      this.logger.info('authorization refused: redirect_uri', { clientId, detail: error.problem.detail });
      return renderErrorPage(response, { status: 400, title: 'The application’s return address is not registered', message: error.reason });
    }
    try {
      const authorization = validateAuthorizationRequest(params, client, redirectUri, this.asConfig.resources, this.config);
      if (authorization.prompt.includes('none')) return await this.silently(authorization, client, request, response);
      const id = await this.interactions.create(authorization, this.clock.now(), this.config.interactionTtlSeconds);
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(303, `/interaction/${id}`);
    } catch (error) {
      if (error instanceof RedirectableError) return this.responses.deliverError(error, clientId, request, response);
      throw error;
    }
  }

  /** prompt=none: only for a signed-in user who already allowed this client, and only if it is confidential. */
  private async silently(authorization: AuthorizationRequest, client: Client, request: Request, response: Response): Promise<void> {
    const refuse = (problem: InteractionRequired) => new RedirectableError(problem, authorization.redirectUri, authorization.state);
    const session = await this.sessions.current(request);
    if (!session) throw refuse(new InteractionRequired('login_required', 'The user must sign in.'));
    if (!client.confidential || !(await this.consents.covers(session.userId, client.clientId, authorization.resources, authorization.scopes))) {
      throw refuse(new InteractionRequired('consent_required', 'The user must approve this application.'));
    }
    const code = await this.codes.issue({ request: authorization, userId: session.userId, authTime: session.authTime });
    this.responses.redirectWithCode(response, authorization, code!);
  }
}
