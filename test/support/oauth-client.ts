import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, type CryptoKey, type JWTPayload, type KeyObject } from 'jose';
import { s256 } from '../../src/authorization-server/authorize/checks/pkce.js';
import { UserAgent, formAction, hiddenField } from './user-agent.js';

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

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

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

/**
 * Plays the user at the AS: follows the authorization request through the real pages, signing in when
 * asked and allowing on the consent page, until the AS redirects back to the client.
 */
export async function completeAuthorization(
  agent: UserAgent,
  authorizationUrl: string,
  credentials: { username?: string; password?: string } = {},
): Promise<{ callback: URL; consentPage?: string }> {
  const origin = new URL(authorizationUrl).origin;
  let response = await agent.get(authorizationUrl);
  if (response.status !== 303) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  let location = new URL(response.headers.get('location')!, origin);
  let consentPage: string | undefined;
  for (let step = 0; step < 6 && location.origin === origin; step += 1) {
    response = await agent.get(location.href);
    if (response.status === 303) {
      location = new URL(response.headers.get('location')!, origin);
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`page answered ${response.status}: ${page}`);
    const action = new URL(formAction(page), origin).href;
    if (page.includes('name="password"')) {
      response = await agent.postForm(action, {
        csrf: hiddenField(page, 'csrf'),
        username: credentials.username ?? 'demo',
        password: credentials.password ?? 'demo-password',
      });
    } else {
      consentPage = page;
      response = await agent.postForm(action, { csrf: hiddenField(page, 'csrf'), decision: 'approve' });
    }
    if (response.status !== 303) throw new Error(`form answered ${response.status}: ${await response.text()}`);
    location = new URL(response.headers.get('location')!, origin);
  }
  return { callback: location, consentPage };
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
