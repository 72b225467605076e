import type { Request, Response } from 'express';

/** Reads one cookie from the Cookie header (RFC 6265 section 5.4), without a parsing library. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  readonly secure: boolean;
  readonly maxAgeSeconds?: number;
}

/** HttpOnly, SameSite=Lax, Path=/, Secure outside development; `__Host-` prefixed when Secure. */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export function setCookie(response: Response, name: string, value: string, options: CookieOptions): void {
  const attributes = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) attributes.push('Secure');
  if (options.maxAgeSeconds !== undefined) attributes.push(`Max-Age=${options.maxAgeSeconds}`);
  response.append('Set-Cookie', attributes.join('; '));
}

export function clearCookie(response: Response, name: string, secure: boolean): void {
  setCookie(response, name, '', { secure, maxAgeSeconds: 0 });
}
