/**
 * Redirect URI matching (OAuth 2.1 section 4.1.1 and BCP RFC 9700 section 2.1): exact string comparison,
 * except that for loopback redirect URIs the port is ignored, because native apps bind an ephemeral
 * port at run time (RFC 8252 section 7.3, OAuth 2.1 section 8.4.2). Loopback means the IP literals
 * 127.0.0.1 and [::1]; `localhost` by name gets the same exemption only when configured (real MCP clients
 * such as Claude Code register portless `http://localhost/callback`).
 */
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}))?([/?][^#]*)?$/;

interface LoopbackParts {
  readonly host: string;
  readonly rest: string;
}

function loopbackParts(uri: string, allowLocalhost: boolean): LoopbackParts | undefined {
  const match = LOOPBACK.exec(uri);
  if (!match) return undefined;
  if (match[1] === 'localhost' && !allowLocalhost) return undefined;
  if (match[2] !== undefined && Number(match[2]) > 65535) return undefined;
  return { host: match[1], rest: match[3] ?? '' };
}

export function isLoopbackRedirectUri(uri: string): boolean {
  return loopbackParts(uri, true) !== undefined;
}

/**
 * The redirect URI to use for this request, or undefined when it does not match a registered one.
 * Without a redirect_uri parameter the client must have exactly one registered URI (OAuth 2.1 section
 * 2.3.2).
 */
export function matchRedirectUri(
  requested: string | undefined,
  registered: readonly string[],
  options: { readonly localhostAnyPort: boolean },
): string | undefined {
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  if (registered.includes(requested)) return requested;
  const asked = loopbackParts(requested, options.localhostAnyPort);
  if (!asked) return undefined;
  for (const candidate of registered) {
    const known = loopbackParts(candidate, options.localhostAnyPort);
    if (known && known.host === asked.host && known.rest === asked.rest) return requested;
  }
  return undefined;
}
