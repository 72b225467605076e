/**
 * The scopes a JSON-RPC message (or batch) to the MCP endpoint needs: each `tools/call` needs its tool's
 * scopes; every other method (initialize, tools/list, ping, notifications) needs only a valid token.
 * An unknown tool needs nothing here: the MCP server answers it with "tool not found".
 */
export function requiredScopes(body: unknown, toolScopes: ReadonlyMap<string, readonly string[]>): string[] {
  const messages = Array.isArray(body) ? body : [body];
  const required = new Set<string>();
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params?.name !== 'string') continue;
    for (const scope of toolScopes.get(params.name) ?? []) required.add(scope);
  }
  return [...required];
}
