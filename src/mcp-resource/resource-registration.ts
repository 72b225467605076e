import type { AuthorizationServerConfig } from '../config/sections/authorization-server.js';
import type { McpResourceConfig } from '../config/sections/mcp-resource.js';

/**
 * When the AS this MCP server trusts runs in the same process, whether it issues tokens for this
 * resource with every scope the tools need; if not, no client could ever call a tool. Returns the
 * problem in words, or undefined.
 */
export function resourceRegistrationProblem(
  mcp: McpResourceConfig,
  authorizationServer: AuthorizationServerConfig,
  toolScopes: readonly string[],
): string | undefined {
  if (mcp.authorizationServerIssuer !== authorizationServer.issuer) return undefined;
  const entry = authorizationServer.resources.find((candidate) => candidate.resource === mcp.resource);
  if (!entry) return `AS_RESOURCES has no entry for MCP_RESOURCE ${mcp.resource}: the AS will issue no token this server accepts`;
  const missing = toolScopes.filter((scope) => !entry.scopes.includes(scope));
  if (missing.length > 0) return `AS_RESOURCES lets the AS issue no ${missing.join(' ')} for ${mcp.resource}: those tools can never be called`;
  return undefined;
}
