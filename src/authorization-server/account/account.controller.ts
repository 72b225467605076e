import { Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditLog } from '../../common/audit/audit-log.js';
import { Clock } from '../../common/clock/clock.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { ConsentsRepository } from '../grants/consents.repository.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import { OAuthParams } from '../oauth-params/oauth-params.js';
import { renderAccountPage } from '../pages/account.page.js';
import { hostOf } from '../pages/describe.js';
import { PageErrorFilter } from '../pages/page-error.filter.js';
import { renderErrorPage, renderLoginPage } from '../pages/pages.js';
import { CsrfService } from '../sessions/csrf.service.js';
import { LoginService } from '../sessions/login.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { UsersService } from '../users/users.service.js';

/** The user's own page: what they allowed, withdrawing it (which revokes the grants), signing out. */
@Controller()
@UseFilters(PageErrorFilter)
export class AccountController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    private readonly consents: ConsentsRepository,
    private readonly grants: GrantsRepository,
    private readonly login: LoginService,
    private readonly csrf: CsrfService,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  @Get('account')
  async show(@Req() request: Request, @Res() response: Response): Promise<void> {
    const session = await this.sessions.current(request);
    const user = session && (await this.users.findById(session.userId));
    if (!user) return renderLoginPage(response, { action: '/account/login', csrf: this.csrf.issue(request, response, 'account-login') });
    const consents = await this.consents.list(user.id);
    renderAccountPage(response, {
      username: user.username,
      csrf: this.csrf.issue(request, response, 'account'),
      notice: request.query.withdrawn === '1' ? 'Access withdrawn.' : undefined,
      consents: consents.map((consent) => ({
        clientId: consent.clientId,
        clientHost: hostOf(consent.clientId),
        resourceName: this.config.resources.find((resource) => resource.resource === consent.resource)?.name ?? consent.resource,
        scopes: consent.scopes,
        grantedAt: consent.grantedAt,
      })),
    });
  }

  @Post('account/login')
  async signIn(@Req() request: Request, @Res() response: Response): Promise<void> {
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    if (!this.csrf.verify(request, 'account-login', params.get('csrf'))) return this.formExpired(response);
    const outcome = await this.login.attempt(params, request, response);
    if (!outcome.ok) {
      return renderLoginPage(response, {
        action: '/account/login',
        csrf: this.csrf.issue(request, response, 'account-login'),
        username: outcome.username,
        error: outcome.error,
        status: outcome.status,
        headers: outcome.headers,
      });
    }
    response.redirect(303, '/account');
  }

  @Post('account/consents/withdraw')
  async withdraw(@Req() request: Request, @Res() response: Response): Promise<void> {
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    if (!this.csrf.verify(request, 'account', params.get('csrf'))) return this.formExpired(response);
    const session = await this.sessions.current(request);
    if (!session) return response.redirect(303, '/account');
    const clientId = params.require('client_id');
    await this.consents.withdraw(session.userId, clientId);
    const revoked = await this.grants.revokeForUserAndClient(session.userId, clientId, 'consent withdrawn by the user', this.clock.now());
    await this.audit.record({
      context: 'authorization-server',
      actor: `user:${session.userId}`,
      action: 'consent.withdrawn',
      targetType: 'client',
      targetId: clientId,
      details: { revokedGrants: revoked },
    });
    response.redirect(303, '/account?withdrawn=1');
  }

  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const params = OAuthParams.fromForm(request.body, request.header('content-type'));
    if (!this.csrf.verify(request, 'account', params.get('csrf'))) return this.formExpired(response);
    await this.sessions.end(request, response);
    renderErrorPage(response, { status: 200, title: 'Signed out', message: 'You are signed out.' });
  }

  private formExpired(response: Response): void {
    renderErrorPage(response, { status: 403, title: 'This form has expired', message: 'Go back, reload the page and try again.' });
  }
}
