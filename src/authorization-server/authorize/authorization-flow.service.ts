import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { ConsentsRepository } from '../grants/consents.repository.js';
import { hostOf } from '../pages/describe.js';
import { renderErrorPage } from '../pages/pages.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { authorizationResponseUrl, type AuthorizationRequest, type RedirectableError } from './authorization-request.js';

/** Writing authorization responses (RFC 6749 section 4.1.2, RFC 9207: `iss` in every response). */
@Injectable()
export class AuthorizationResponses {
  constructor(
    private readonly sessions: SessionsService,
    private readonly consents: ConsentsRepository,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
  ) {}

  /** 303 to the verified redirect URI with the code (BCP section 4.12: never 307 after a POST). */
  redirectWithCode(response: Response, request: AuthorizationRequest, code: string): void {
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, authorizationResponseUrl(request.redirectUri, { code, state: request.state, iss: this.config.issuer }));
  }

  errorUrl(error: RedirectableError): string {
    return authorizationResponseUrl(error.redirectUri, {
      error: error.problem.error,
      error_description: error.problem.description,
      state: error.state,
      iss: this.config.issuer,
    });
  }

  /**
   * An error for a verified redirect URI. It is sent automatically only to a client this browser's user
   * has already allowed; otherwise the user sees it and may follow a link back (BCP section 4.11.2:
   * automatic error redirects to untrusted clients are an open-redirector for phishing).
   */
  async deliverError(error: RedirectableError, clientId: string, request: Request, response: Response): Promise<void> {
    const url = this.errorUrl(error);
    const session = await this.sessions.current(request);
    if (session && (await this.consents.hasAny(session.userId, clientId))) {
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(303, url);
      return;
    }
    renderErrorPage(response, {
      status: error.problem.status >= 500 ? 500 : 400,
      title: 'The application sent an invalid request',
      message: error.problem.description,
      returnTo: { url, host: hostOf(error.redirectUri) },
    });
  }
}
