import type { AuthenticatedClient } from '../../client-auth/client-authenticator.js';
import type { OAuthParams } from '../../oauth-params/oauth-params.js';

/** RFC 6749 section 5.1 successful response. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly refresh_token?: string;
}

export interface TokenRequest {
  readonly params: OAuthParams;
  readonly authenticated: AuthenticatedClient;
}

/** One grant type of the token endpoint (one file per grant). */
export interface TokenGrant {
  readonly grantType: string;
  handle(request: TokenRequest): Promise<TokenResponse>;
}

export const TOKEN_GRANTS = Symbol('TokenGrants');
