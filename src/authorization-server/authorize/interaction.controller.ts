import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Clock } from '../../common/clock/clock.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { ClientResolutionError, ClientResolver, type Client } from '../clients/client.js';
import { ConsentsRepository } from '../grants/consents.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { renderConsentPage } from '../pages/consent.page.js';
import { allRedirectsLoopback, clientDisplayName, describeScope, hostOf } from '../pages/describe.js';
import { PageErrorFilter } from '../pages/page-error.filter.js';
import { renderErrorPage, renderLoginPage } from '../pages/pages.js';
import { CsrfService } from '../sessions/csrf.service.js';
import { LoginService } from '../sessions/login.service.js';
import { SessionsService, type Session } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthorizationResponses } from './authorization-flow.service.js';
import { authorizationResponseUrl } from './authorization-request.js';
import { clientProblemMessage } from './client-problem.js';
import { CodeIssuer } from './code-issuer.js';
import { InteractionsRepository, type Interaction } from './interactions.repository.js';

/** The user's part of an authorization: sign in, then allow or deny, each form CSRF-protected. */
@Controller('interaction')
@UseFilters(PageErrorFilter)
export class InteractionController {
  constructor(
    private readonly interactions: InteractionsRepository,
    private readonly clients: ClientResolver,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly consents: ConsentsRepository,
    private readonly login: LoginService,
    private readonly csrf: CsrfService,
    private readonly codes: CodeIssuer,
    private readonly responses: AuthorizationResponses,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const pending = await this.pending(id, response);
    if (!pending) return;
    const { interaction, client } = pending;
    const session = await this.signedIn(request, interaction);
    if (!session) {
      return renderLoginPage(response, { action: `/interaction/${id}/login`, csrf: this.csrf.issue(request, response, `login:${id}`), forHost: hostOf(client.clientId) });
    }
    const user = await this.users.findById(session.userId);
    if (!user) {
      await this.sessions.end(request, response);
      return renderLoginPage(response, { action: `/interaction/${id}/login`, csrf: this.csrf.issue(request, response, `login:${id}`), forHost: hostOf(client.clientId) });
    }
    const { request: authorization } = interaction;
    // RFC 8252 section 8.6: a repeat request is approved silently only for a client whose identity the
    // token endpoint will prove (confidential); public and localhost clients always see the page.
    if (
      client.confidential &&
      !authorization.prompt.includes('consent') &&
      (await this.consents.covers(user.id, client.clientId, authorization.resources, authorization.scopes))
    ) {
      const code = await this.codes.issue({ request: authorization, userId: user.id, authTime: session.authTime, interactionId: id });
      if (!code) return this.expired(response);
      return this.responses.redirectWithCode(response, authorization, code);
    }
    const resources = this.config.resources.filter((resource) => authorization.resources.includes(resource.resource));
    renderConsentPage(response, {
      action: `/interaction/${id}/consent`,
      csrf: this.csrf.issue(request, response, `consent:${id}`),
      clientHost: hostOf(client.clientId),
      clientName: clientDisplayName(client),
      clientId: client.clientId,
      redirectHost: hostOf(authorization.redirectUri),
      redirectOrigin: new URL(authorization.redirectUri).origin,
      loopbackOnly: allRedirectsLoopback(client),
      resources: resources.map((resource) => ({ name: resource.name, host: hostOf(resource.resource) })),
      scopes: authorization.scopes.map((scope) => describeScope(scope, resources)),
      username: user.displayName ? `${user.displayName} (${user.username})` : user.username,
    });
  }

  @Post(':id/login')
  async signIn(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    if (!this.csrf.verify(request, `login:${id}`, params.get('csrf'))) return this.formExpired(response);
    const pending = await this.pending(id, response);
    if (!pending) return;
    const outcome = await this.login.attempt(params, request, response);
    if (!outcome.ok) {
      return renderLoginPage(response, {
        action: `/interaction/${id}/login`,
        csrf: this.csrf.issue(request, response, `login:${id}`),
        forHost: hostOf(pending.client.clientId),
        username: outcome.username,
        error: outcome.error,
        status: outcome.status,
        headers: outcome.headers,
      });
    }
    response.redirect(303, `/interaction/${id}`);
  }

  @Post(':id/consent')
  async decide(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    if (!this.csrf.verify(request, `consent:${id}`, params.get('csrf'))) return this.formExpired(response);
    const pending = await this.pending(id, response);
    if (!pending) return;
    const session = await this.signedIn(request, pending.interaction);
    if (!session) return response.redirect(303, `/interaction/${id}`);
    const authorization = pending.interaction.request;
    const decision = params.get('decision');
    if (decision === 'approve') {
      const code = await this.codes.issue({ request: authorization, userId: session.userId, authTime: session.authTime, interactionId: id });
      if (!code) return this.expired(response);
      return this.responses.redirectWithCode(response, authorization, code);
    }
    if (decision !== 'deny') return renderErrorPage(response, { status: 400, title: 'No decision', message: 'Choose Allow or Deny.' });
    if (!(await this.codes.decline(id))) return this.expired(response);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(
      303,
      authorizationResponseUrl(authorization.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request.',
        state: authorization.state,
        iss: this.config.issuer,
      }),
    );
  }

  /** The session, if it may be used for this interaction (prompt=login wants a sign-in made for it). */
  private async signedIn(request: Request, interaction: Interaction): Promise<Session | undefined> {
    const session = await this.sessions.current(request);
    if (!session) return undefined;
    if (interaction.request.prompt.includes('login') && session.authTime < interaction.createdAt) return undefined;
    return session;
  }

  private async pending(id: string, response: Response): Promise<{ interaction: Interaction; client: Client } | undefined> {
    const interaction = await this.interactions.findPending(id, this.clock.now());
    if (!interaction) {
      this.expired(response);
      return undefined;
    }
    try {
      return { interaction, client: await this.clients.resolve(interaction.request.clientId) };
    } catch (error) {
      if (!(error instanceof ClientResolutionError)) throw error;
      renderErrorPage(response, { status: 400, title: 'This application can’t be verified', message: clientProblemMessage(error.reason) });
      return undefined;
    }
  }

  private expired(response: Response): void {
    renderErrorPage(response, {
      status: 400,
      title: 'This sign-in request has ended',
      message: 'It expired or was already used. Go back to the application and start again.',
    });
  }

  private formExpired(response: Response): void {
    renderErrorPage(response, { status: 403, title: 'This form has expired', message: 'Go back, reload the page and try again.' });
  }
}
