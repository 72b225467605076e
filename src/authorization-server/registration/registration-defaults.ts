import { isLoopbackRedirect } from '../clients/redirect-uri.js';

/**
 * RFC 7591 section 2 defaults token_endpoint_auth_method to client_secret_basic. A native app can't
 * keep a secret (OAuth 2.1 section 2.1, RFC 8252 section 8.5), so this server decides explicitly: a
 * request that omits the method gets `none` when it registers a native client (application_type
 * native, or only loopback and private-use redirect URIs), and the RFC default otherwise.
 */
export function defaultAuthMethod(request: Readonly<Record<string, unknown>>): 'none' | 'client_secret_basic' {
  if (request.application_type === 'native') return 'none';
  const redirects = request.redirect_uris;
  if (!Array.isArray(redirects) || redirects.length === 0) return 'client_secret_basic';
  const deviceLocal = redirects.every((uri) => {
    if (typeof uri !== 'string') return false;
    try {
      const url = new URL(uri);
      return isLoopbackRedirect(url) || (url.protocol !== 'https:' && url.protocol !== 'http:');
    } catch {
      return false;
    }
  });
  return deviceLocal ? 'none' : 'client_secret_basic';
}

/** Members a client can't choose: the server assigns them (RFC 7591 section 3.2.1). */
export const SERVER_ASSIGNED = ['client_id', 'client_secret', 'client_id_issued_at', 'client_secret_expires_at', 'registration_access_token', 'registration_client_uri'];
