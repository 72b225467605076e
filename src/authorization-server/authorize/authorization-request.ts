import type { ResourceServerConfig } from '../../config/sections/authorization-server.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import type { Client } from '../clients/client.js';
import type { OAuthParams } from '../oauth-params/oauth-params.js';
import {
  InvalidRequest,
  OAuthError,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../oauth-errors/oauth-errors.js';
import { checkCodeChallenge } from './checks/pkce.js';
import { matchRedirectUri } from './checks/redirect-uri.js';
import { checkResources } from './checks/resources.js';
import { checkScopes } from './checks/scopes.js';

export type Prompt = 'none' | 'login' | 'consent';

/** A validated authorization request (OAuth 2.1 section 4.1.1 with RFC 7636 and RFC 8707). */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly codeChallenge: string;
  readonly prompt: readonly Prompt[];
}

/** Where an error must be shown: on our own page (client or redirect URI unverified), or at the client. */
export class UnverifiedRedirectError extends Error {
  constructor(
    readonly problem: OAuthError,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class RedirectableError extends Error {
  constructor(
    readonly problem: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(problem.description);
  }
}

const MAX_STATE_LENGTH = 2048;
const PROMPTS: readonly Prompt[] = ['none', 'login', 'consent'];

/**
 * Step 1 (no redirect allowed yet): the redirect URI must exactly match one the client registered,
 * except for the loopback port (OAuth 2.1 section 2.3.5 and 4.1.2.1: never redirect to an unverified URI).
 */
export function verifyRedirectUri(params: OAuthParams, client: Client, config: Pick<OAuthConfig, 'loopbackLocalhostAnyPort'>): string {
  const requested = params.get('redirect_uri');
  const match = matchRedirectUri(requested, client.metadata.redirect_uris, { localhostAnyPort: config.loopbackLocalhostAnyPort });
  if (!match) {
    const reason =
      requested === undefined
        ? 'The redirect_uri parameter is required because the client registered several.'
        : 'The redirect_uri does not match any redirect URI registered by the client.';
    throw new UnverifiedRedirectError(new InvalidRequest(reason, { detail: `redirect_uri ${requested ?? '(none)'}` }), reason);
  }
  return match;
}

/** Step 2 (errors now go back to the verified redirect URI with state and iss). */
export function validateAuthorizationRequest(
  params: OAuthParams,
  client: Client,
  redirectUri: string,
  resources: readonly ResourceServerConfig[],
  config: Pick<OAuthConfig, 'allowMultipleResources'>,
): AuthorizationRequest {
  const rawState = params.get('state');
  const state = rawState !== undefined && rawState.length <= MAX_STATE_LENGTH ? rawState : undefined;
  const fail = (problem: OAuthError): never => {
    throw new RedirectableError(problem, redirectUri, state);
  };
  try {
    if (rawState !== undefined && state === undefined) fail(new InvalidRequest('The state parameter is too long.'));
    if (params.has('request') || params.has('request_uri')) {
      fail(new InvalidRequest('Request objects (request, request_uri) are not supported.'));
    }
    // OAuth 2.1 section 4.1.1: only the authorization code flow; the implicit grant is removed.
    const responseType = params.get('response_type');
    if (responseType === undefined) fail(new InvalidRequest('The response_type parameter is required.'));
    if (responseType !== 'code') fail(new UnsupportedResponseType('Only response_type=code is supported.'));
    if (!client.metadata.response_types.includes('code') || !client.metadata.grant_types.includes('authorization_code')) {
      fail(new UnauthorizedClient('This client is not registered for the authorization code flow.'));
    }
    const responseMode = params.get('response_mode');
    if (responseMode !== undefined && responseMode !== 'query') fail(new InvalidRequest('Only response_mode=query is supported.'));

    const pkce = checkCodeChallenge(params.get('code_challenge'), params.get('code_challenge_method'));
    if (pkce === 'missing_challenge') fail(new InvalidRequest('A PKCE code_challenge is required.'));
    if (pkce === 'unsupported_method') fail(new InvalidRequest('code_challenge_method must be S256.'));
    if (pkce === 'malformed_challenge') fail(new InvalidRequest('The code_challenge is malformed.'));

    const prompt = (params.get('prompt') ?? '').split(' ').filter(Boolean);
    if (!prompt.every((value) => (PROMPTS as string[]).includes(value)) || (prompt.includes('none') && prompt.length > 1)) {
      fail(new InvalidRequest('The prompt parameter has an unsupported value.'));
    }

    const granted = checkResources(params.getAll('resource'), resources, config.allowMultipleResources);
    const scopes = checkScopes(params.get('scope'), granted, client.metadata.scope);
    return {
      clientId: client.clientId,
      redirectUri,
      state,
      scopes,
      resources: granted.map((resource) => resource.resource),
      codeChallenge: params.get('code_challenge')!,
      prompt: prompt as Prompt[],
    };
  } catch (error) {
    if (error instanceof OAuthError) fail(error);
    throw error;
  }
}

/** RFC 6749 section 4.1.2 and 4.1.2.1 with RFC 9207: the response parameters, `iss` always included. */
export function authorizationResponseUrl(redirectUri: string, parameters: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) query.set(name, value);
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query.toString()}`;
}
