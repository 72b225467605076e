/** What an MCP client learns before it can ask for a token (MCP 2025-11-25, Authorization Server Discovery). */
export interface Discovered {
  /** The MCP server's canonical resource URI (RFC 9728 `resource`). */
  readonly resource: string;
  /** The scope the 401 challenge asked for, if any. */
  readonly challengedScope?: string;
  readonly scopesSupported: readonly string[];
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint?: string;
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

async function json(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new DiscoveryError(`${url} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

function challengeParameter(header: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(header)?.[1];
}

/**
 * From the MCP server URL alone: the 401's resource_metadata (RFC 9728 section 5.1), the protected
 * resource metadata (whose `resource` must be the URL asked, section 3.3), then the authorization server's
 * RFC 8414 metadata (whose `issuer` must be the one named, section 3.3).
 */
export async function discover(mcpUrl: string): Promise<Discovered> {
  const probe = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
    signal: AbortSignal.timeout(10_000),
  });
  await probe.body?.cancel();
  const challenge = probe.headers.get('www-authenticate') ?? '';
  if (probe.status !== 401 || !challenge.startsWith('Bearer')) throw new DiscoveryError(`${mcpUrl} did not ask for a token (status ${probe.status})`);
  const url = new URL(mcpUrl);
  const metadataUrl = challengeParameter(challenge, 'resource_metadata') ?? `${url.origin}/.well-known/oauth-protected-resource${url.pathname}`;
  const resourceMetadata = await json(metadataUrl);
  if (resourceMetadata.resource !== mcpUrl) throw new DiscoveryError(`the protected resource metadata names ${String(resourceMetadata.resource)}, not ${mcpUrl}`);
  const servers = resourceMetadata.authorization_servers;
  if (!Array.isArray(servers) || typeof servers[0] !== 'string') throw new DiscoveryError('the protected resource metadata names no authorization server');
  const issuer = servers[0];
  const issuerUrl = new URL(issuer);
  const path = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname;
  const metadata = await json(`${issuerUrl.origin}/.well-known/oauth-authorization-server${path}`);
  if (metadata.issuer !== issuer) throw new DiscoveryError(`the authorization server metadata names issuer ${String(metadata.issuer)}, not ${issuer}`);
  if (!Array.isArray(metadata.code_challenge_methods_supported) || !metadata.code_challenge_methods_supported.includes('S256')) {
    throw new DiscoveryError('the authorization server does not advertise PKCE S256');
  }
  return {
    resource: mcpUrl,
    challengedScope: challengeParameter(challenge, 'scope'),
    scopesSupported: Array.isArray(resourceMetadata.scopes_supported) ? (resourceMetadata.scopes_supported as string[]) : [],
    issuer,
    authorizationEndpoint: String(metadata.authorization_endpoint),
    tokenEndpoint: String(metadata.token_endpoint),
    revocationEndpoint: typeof metadata.revocation_endpoint === 'string' ? metadata.revocation_endpoint : undefined,
  };
}
