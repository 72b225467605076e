import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import { s256 } from '../../src/authorization-server/authorize/checks/pkce.js';
import { JWT_BEARER_ASSERTION_TYPE } from '../../src/authorization-server/client-auth/assertion-claims.js';
import { completeAuthorization } from '../../src/device-simulator/oauth/headless-browser.js';
import { UserAgent } from './user-agent.js';

export { completeAuthorization };

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

export interface AssertionOptions {
  readonly clientId: string;
  readonly audience: string | string[];
  readonly key: CryptoKey | KeyObject | Uint8Array;
  readonly alg?: string;
  readonly kid?: string;
  readonly typ?: string | null;
  readonly claims?: JWTPayload;
  readonly lifetimeSeconds?: number;
  readonly header?: Record<string, unknown>;
}

/** A private_key_jwt client assertion (RFC 7523 as updated by RFC 10070). */
export async function clientAssertion(options: AssertionOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header: Record<string, unknown> = { alg: options.alg ?? 'ES256', ...options.header };
  if (options.kid) header.kid = options.kid;
  if (options.typ !== null) header.typ = options.typ ?? 'client-authentication+jwt';
  const payload: JWTPayload = {
    iss: options.clientId,
    sub: options.clientId,
    aud: options.audience,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? 60),
    jti: randomBytes(16).toString('base64url'),
    ...options.claims,
  };
  for (const name of Object.keys(payload)) if (payload[name] === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader(header as never).sign(options.key);
}

export const JWT_BEARER = JWT_BEARER_ASSERTION_TYPE;

export interface AuthorizeOptions {
  readonly as: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly resource?: string;
  readonly scope?: string;
  readonly state?: string;
  readonly username?: string;
  readonly password?: string;
  readonly agent?: UserAgent;
  readonly extra?: Record<string, string>;
}

export interface AuthorizeResult {
  readonly code: string;
  readonly verifier: string;
  readonly callback: URL;
  readonly agent: UserAgent;
  readonly consentPage?: string;
}

/** Runs the authorization code flow through the real pages: sign in if needed, then allow. */
export async function authorize(options: AuthorizeOptions): Promise<AuthorizeResult> {
  const agent = options.agent ?? new UserAgent();
  const { verifier, challenge } = pkce();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: options.state ?? 'state-123',
    ...(options.resource ? { resource: options.resource } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
    ...options.extra,
  });
  const { callback, consentPage } = await completeAuthorization(agent, `${options.as}/authorize?${query}`, options);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  return { code, verifier, callback, agent, consentPage };
}

export async function tokenRequest(as: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${as}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function claimsOf(token: string): JWTPayload {
  return decodeJwt(token);
}
