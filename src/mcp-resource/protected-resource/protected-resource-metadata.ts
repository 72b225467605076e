export const PRM_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 section 3.1: the metadata URL of a resource is its origin, then the well-known path, then
 * the resource's path (a trailing slash dropped), so https://mcp.example.com/mcp has its metadata at
 * https://mcp.example.com/.well-known/oauth-protected-resource/mcp.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${PRM_WELL_KNOWN}${path}${url.search}`;
}

export interface ProtectedResourceFacts {
  readonly resource: string;
  readonly authorizationServers: readonly string[];
  readonly scopes: readonly string[];
  readonly resourceName: string;
}

/**
 * RFC 9728 section 2, derived from configuration: `resource` is the canonical URI exactly as clients
 * use it (section 3.3), the AS issuers, the scopes the tools need (never offline_access: MCP 2026-07-28,
 * Refresh Tokens), header-only bearer tokens. Empty arrays are omitted.
 */
export function protectedResourceMetadata(facts: ProtectedResourceFacts): Record<string, unknown> {
  const document: Record<string, unknown> = {
    resource: facts.resource,
    authorization_servers: [...facts.authorizationServers],
  };
  const scopes = facts.scopes.filter((scope) => scope !== 'offline_access');
  if (scopes.length > 0) document.scopes_supported = scopes;
  document.bearer_methods_supported = ['header'];
  document.resource_name = facts.resourceName;
  return document;
}
