import type { ResourceServerConfig } from '../../../config/sections/authorization-server.js';
import { InvalidScope } from '../../oauth-errors/oauth-errors.js';

/** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Asks for a refresh token (MCP 2026-07-28); this AS issues refresh tokens by grant type, so it is accepted and dropped. */
export const OFFLINE_ACCESS = 'offline_access';

export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  if (!SCOPE.test(scope)) throw new InvalidScope('The scope parameter is malformed.');
  return [...new Set(scope.split(' '))];
}

/**
 * The scopes to grant: the requested ones, each offered by one of the requested resources and within
 * the client's own `scope` ceiling when it declares one; without a request, the resources' defaults.
 */
export function checkScopes(
  requested: string | undefined,
  resources: readonly ResourceServerConfig[],
  clientCeiling: string | undefined,
): string[] {
  const offered = new Set(resources.flatMap((resource) => resource.scopes));
  const ceiling = clientCeiling === undefined ? undefined : new Set(clientCeiling.split(' ').filter(Boolean));
  const allowed = (scope: string) => offered.has(scope) && (!ceiling || ceiling.has(scope));
  const asked = parseScope(requested).filter((scope) => scope !== OFFLINE_ACCESS);
  if (requested === undefined) {
    const defaults = resources.flatMap((resource) => resource.defaultScopes).filter(allowed);
    if (defaults.length === 0) throw new InvalidScope('No scope was requested and no default scope applies.');
    return [...new Set(defaults)];
  }
  const refused = asked.filter((scope) => !allowed(scope));
  if (refused.length > 0) {
    throw new InvalidScope('The requested scope is invalid, unknown, or not allowed for this client.', {
      detail: `refused scopes: ${refused.join(' ')}`,
    });
  }
  if (asked.length === 0) throw new InvalidScope('No usable scope was requested.');
  return asked;
}
