/** The parts of a request where a client may have put an access token. */
export interface TokenCarriers {
  /** Every Authorization header field, in order (from the raw headers: Node keeps only the first). */
  readonly authorization: readonly string[];
  readonly query: Readonly<Record<string, unknown>>;
  readonly contentType?: string;
  /** The body as parsed by the body parsers: an object for JSON, the raw string for forms. */
  readonly body: unknown;
}

export type ExtractedToken =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'missing'; readonly detail: string }
  | { readonly kind: 'invalid_request'; readonly description: string; readonly detail: string };

// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?: |$)/;

function formHasToken(contentType: string | undefined, body: unknown): boolean {
  if (typeof body !== 'string' || !/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) return false;
  return new URLSearchParams(body).has('access_token');
}

/**
 * Finds the access token of a request. Only the Authorization header is accepted (MCP 2025-11-25,
 * Token Requirements; OAuth 2.1 section 5.1.1): a token in the query (RFC 6750 section 2.3) or a form
 * body (section 2.2) is refused with 400 invalid_request (section 3.1, "unsupported parameter"), even next
 * to a valid header, because a token in a URL has already leaked into logs and histories.
 */
export function extractBearerToken(carriers: TokenCarriers): ExtractedToken {
  if (Object.hasOwn(carriers.query, 'access_token')) {
    return {
      kind: 'invalid_request',
      description: 'Access tokens are accepted only in the Authorization header, never in the URL.',
      detail: 'access_token in the query string',
    };
  }
  if (formHasToken(carriers.contentType, carriers.body)) {
    return {
      kind: 'invalid_request',
      description: 'Access tokens are accepted only in the Authorization header, never in the body.',
      detail: 'access_token in a form body',
    };
  }
  if (carriers.authorization.length > 1) {
    // RFC 6750 section 3.1: more than one method (or credentials) for the token.
    return { kind: 'invalid_request', description: 'Send exactly one Authorization header.', detail: 'several Authorization headers' };
  }
  const header = carriers.authorization[0]?.trim();
  if (!header) return { kind: 'missing', detail: 'no Authorization header' };
  const scheme = SCHEME.exec(header)?.[1];
  if (!scheme || scheme.toLowerCase() !== 'bearer') {
    // RFC 6750 section 3.1: an unsupported authentication method gets the bare challenge.
    return { kind: 'missing', detail: `Authorization scheme ${scheme ?? '(malformed)'} is not Bearer` };
  }
  const match = BEARER.exec(header);
  if (!match) {
    return { kind: 'invalid_request', description: 'The Authorization header is malformed.', detail: 'Bearer credentials are not a b64token' };
  }
  return { kind: 'token', token: match[1] };
}
