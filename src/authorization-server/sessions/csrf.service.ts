import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { randomToken } from '../../common/crypto/random.js';
import { OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import { KeyEncryptionKey } from '../keys/key-encryption-key.js';
import { cookieName, readCookie, setCookie } from './cookies.js';

/**
 * CSRF protection for every form (signed double-submit cookie): the browser holds a random binding
 * cookie, and each form carries HMAC(key, binding | purpose). A cross-site page can neither read the
 * cookie nor our HTML, so it can't produce the token. The key is derived from the key-encryption key,
 * so every replica computes the same tokens.
 */
@Injectable()
export class CsrfService {
  private readonly key: Buffer;
  private readonly cookie: string;
  private readonly secure: boolean;

  constructor(kek: KeyEncryptionKey, @Inject(OAUTH_CONFIG) config: OAuthConfig) {
    this.key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'attested-cimd csrf v1', 32));
    this.secure = !config.insecureCookies;
    this.cookie = cookieName('acimd-csrf', this.secure);
  }

  /** The token for a form with this purpose; sets the binding cookie when the browser has none. */
  issue(request: Request, response: Response, purpose: string): string {
    let binding = readCookie(request, this.cookie);
    if (!binding) {
      binding = randomToken();
      setCookie(response, this.cookie, binding, { secure: this.secure });
      // later reads in the same request see the new value
      request.headers.cookie = `${request.headers.cookie ? `${request.headers.cookie}; ` : ''}${this.cookie}=${binding}`;
    }
    return this.sign(binding, purpose);
  }

  verify(request: Request, purpose: string, submitted: string | undefined): boolean {
    const binding = readCookie(request, this.cookie);
    if (!binding || !submitted) return false;
    const expected = Buffer.from(this.sign(binding, purpose));
    const actual = Buffer.from(submitted);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  private sign(binding: string, purpose: string): string {
    return createHmac('sha256', this.key).update(`${binding}|${purpose}`).digest('base64url');
  }
}
