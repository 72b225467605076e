import type { AccessTokenClaims } from '../bearer/access-token-claims.js';

/** Who a request speaks for, from its verified access token. The token itself is never kept. */
export type McpPrincipal = AccessTokenClaims;

const principals = new WeakMap<object, McpPrincipal>();

export function attachPrincipal(request: object, principal: McpPrincipal): void {
  principals.set(request, principal);
}

/** The principal the bearer guard attached; a route without the guard has none, which is a programming error. */
export function principalOf(request: object): McpPrincipal {
  const principal = principals.get(request);
  if (!principal) throw new Error('no verified principal on this request: the bearer guard did not run');
  return principal;
}
