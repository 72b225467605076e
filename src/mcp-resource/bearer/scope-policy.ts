/** The scopes a resource knows, and which broader scopes imply narrower ones. */
export interface ScopePolicy {
  readonly known: readonly string[];
  readonly implied: Readonly<Record<string, readonly string[]>>;
}

/** The granted scopes plus every scope they imply (MCP 2026-07-28: servers MUST account for scope hierarchies). */
export function effectiveScopes(granted: readonly string[], policy: ScopePolicy): Set<string> {
  const effective = new Set<string>();
  const pending = [...granted];
  while (pending.length > 0) {
    const scope = pending.pop()!;
    if (effective.has(scope)) continue;
    effective.add(scope);
    pending.push(...(policy.implied[scope] ?? []));
  }
  return effective;
}

/** The required scopes the token does not cover, in the order they were required. */
export function missingScopes(granted: readonly string[], required: readonly string[], policy: ScopePolicy): string[] {
  const effective = effectiveScopes(granted, policy);
  return [...new Set(required)].filter((scope) => !effective.has(scope));
}

/**
 * The `scope` of an insufficient_scope challenge: the scopes the operation needs plus the ones this
 * resource already granted, so a client that replaces its scope with the challenge (as the MCP SDK 1.x
 * client does) keeps what it had (MCP 2025-11-25, Runtime Insufficient Scope Errors, recommended approach).
 * Scopes of other resources are never echoed. Listed in the resource's order.
 */
export function stepUpScopes(granted: readonly string[], required: readonly string[], policy: ScopePolicy): string[] {
  const wanted = new Set([...granted, ...required]);
  return policy.known.filter((scope) => wanted.has(scope));
}
