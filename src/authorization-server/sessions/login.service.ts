import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimitedError } from '../../common/errors/rate-limited.error.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import type { OAuthParams } from '../oauth-params/oauth-params.js';
import { UsersService } from '../users/users.service.js';
import { SessionsService } from './sessions.service.js';

export type LoginOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly username?: string; readonly headers?: Record<string, string> };

/** One sign-in attempt from a form: rate limited per IP and per account, then a session on success. */
@Injectable()
export class LoginService {
  private readonly logger: AppLogger;

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly rateLimiter: RateLimiter,
    logger: AppLogger,
  ) {
    this.logger = logger.child('Login');
  }

  async attempt(params: OAuthParams, request: Request, response: Response): Promise<LoginOutcome> {
    const username = (params.get('username') ?? '').trim().slice(0, 64);
    const password = params.get('password') ?? '';
    if (!username || !password) return { ok: false, status: 400, error: 'Enter your username and password.', username };
    try {
      await this.rateLimiter.enforce({ rule: 'login:ip', key: request.ip ?? 'unknown' }, { rule: 'login:account', key: username.toLowerCase() });
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      const minutes = Math.ceil(Number(error.headers['Retry-After']) / 60);
      this.logger.warn('sign-in rate limited', { username });
      return {
        ok: false,
        status: 429,
        error: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        username,
        headers: { ...error.headers },
      };
    }
    const user = await this.users.authenticate(username, password);
    if (!user) {
      this.logger.info('sign-in failed', { username });
      return { ok: false, status: 401, error: 'Incorrect username or password.', username };
    }
    await this.sessions.start(response, user.id);
    this.logger.info('signed in', { userId: user.id });
    return { ok: true };
  }
}
