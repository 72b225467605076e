import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock.js';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { randomToken } from '../../common/crypto/random.js';
import { OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import { clearCookie, cookieName, readCookie, setCookie } from './cookies.js';

export interface Session {
  readonly userId: string;
  readonly authTime: Date;
}

/** The end-user's login session at the AS: a random cookie value, stored only as its hash. */
@Injectable()
export class SessionsService {
  readonly cookie: string;
  private readonly secure: boolean;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
  ) {
    this.secure = !config.insecureCookies;
    this.cookie = cookieName('acimd-session', this.secure);
  }

  async start(response: Response, userId: string): Promise<Session> {
    const token = randomToken();
    const now = this.clock.now();
    await this.dataSource.query('INSERT INTO user_sessions (id_hash, user_id, auth_time, expires_at) VALUES ($1, $2, $3, $4)', [
      sha256Base64Url(token),
      userId,
      now,
      new Date(now.getTime() + this.config.sessionTtlSeconds * 1000),
    ]);
    setCookie(response, this.cookie, token, { secure: this.secure, maxAgeSeconds: this.config.sessionTtlSeconds });
    return { userId, authTime: now };
  }

  async current(request: Request): Promise<Session | undefined> {
    const token = readCookie(request, this.cookie);
    if (!token) return undefined;
    const rows: Array<{ user_id: string; auth_time: Date }> = await this.dataSource.query(
      'SELECT user_id, auth_time FROM user_sessions WHERE id_hash = $1 AND expires_at > $2',
      [sha256Base64Url(token), this.clock.now()],
    );
    return rows[0] ? { userId: rows[0].user_id, authTime: rows[0].auth_time } : undefined;
  }

  async end(request: Request, response: Response): Promise<void> {
    const token = readCookie(request, this.cookie);
    if (token) await this.dataSource.query('DELETE FROM user_sessions WHERE id_hash = $1', [sha256Base64Url(token)]);
    clearCookie(response, this.cookie, this.secure);
  }
}
