import { createHash, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { JWT_BEARER_ASSERTION_TYPE } from '../../authorization-server/client-auth/assertion-claims.js';
import { signClientAssertion } from '../client-assertion.js';
import type { Discovered } from './discovery.js';
import { completeAuthorization, HeadlessBrowser } from './headless-browser.js';

export interface AppIdentity {
  /** The install's client_id (its metadata document URL). */
  readonly clientId: string;
  /** The device key that signs private_key_jwt assertions. */
  readonly privateJwk: JWK;
}

export interface Tokens {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';

  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export class AuthorizationResponseError extends Error {
  override readonly name = 'AuthorizationResponseError';
}

/**
 * The authorization code flow as a native app runs it (OAuth 2.1 section 4.1, RFC 8252): PKCE S256, the
 * resource indicator, a loopback redirect URI on any port; the user signs in on the AS's own pages (played
 * by a headless browser); the response's state and iss (RFC 9207) are checked before the code is used.
 */
export async function authorizeApp(
  discovered: Discovered,
  app: AppIdentity,
  options: { redirectUri: string; scope?: string; username?: string; password?: string },
): Promise<{ code: string; verifier: string; redirectUri: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: options.redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    resource: discovered.resource,
  });
  const scope = options.scope ?? discovered.challengedScope;
  if (scope) query.set('scope', scope);
  const { callback } = await completeAuthorization(new HeadlessBrowser(), `${discovered.authorizationEndpoint}?${query}`, options);
  if (callback.searchParams.get('state') !== state) throw new AuthorizationResponseError('the authorization response carries another state');
  if (callback.searchParams.get('iss') !== discovered.issuer) throw new AuthorizationResponseError('the authorization response comes from another issuer');
  const error = callback.searchParams.get('error');
  if (error) throw new AuthorizationResponseError(`${error}: ${callback.searchParams.get('error_description') ?? ''}`);
  const code = callback.searchParams.get('code');
  if (!code) throw new AuthorizationResponseError('the authorization response has no code');
  return { code, verifier, redirectUri: options.redirectUri };
}

/** A token endpoint call with these form fields as they are (a public client sends its client_id in them). */
export async function postToken(discovered: Discovered, fields: Record<string, string>): Promise<Tokens> {
  const response = await fetch(discovered.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200) {
    throw new TokenError(response.status, String(body.error ?? 'unknown_error'), String(body.error_description ?? `status ${response.status}`));
  }
  return body as unknown as Tokens;
}

/** A token endpoint call authenticated with private_key_jwt (a fresh assertion each time). */
export async function tokenRequest(discovered: Discovered, app: AppIdentity, fields: Record<string, string>): Promise<Tokens> {
  const assertion = await signClientAssertion({ privateJwk: app.privateJwk, clientId: app.clientId, audience: discovered.issuer });
  return postToken(discovered, { ...fields, client_assertion_type: JWT_BEARER_ASSERTION_TYPE, client_assertion: assertion });
}

export function exchangeCode(discovered: Discovered, app: AppIdentity, grant: { code: string; verifier: string; redirectUri: string }): Promise<Tokens> {
  return tokenRequest(discovered, app, {
    grant_type: 'authorization_code',
    code: grant.code,
    code_verifier: grant.verifier,
    redirect_uri: grant.redirectUri,
    resource: discovered.resource,
  });
}

export function refresh(discovered: Discovered, app: AppIdentity, refreshToken: string): Promise<Tokens> {
  return tokenRequest(discovered, app, { grant_type: 'refresh_token', refresh_token: refreshToken, resource: discovered.resource });
}
