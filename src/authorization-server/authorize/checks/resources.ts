import type { ResourceServerConfig } from '../../../config/sections/authorization-server.js';
import { InvalidTarget } from '../../oauth-errors/oauth-errors.js';

/**
 * RFC 8707 section 2: each `resource` is an absolute URI without a fragment; unknown or not allowed
 * values are `invalid_target`. Values are compared with the configured canonical URIs as exact strings.
 * Without a `resource`, the first configured resource server is the default (documented policy).
 */
export function checkResources(
  requested: readonly string[],
  configured: readonly ResourceServerConfig[],
  allowMultiple: boolean,
): ResourceServerConfig[] {
  if (requested.length === 0) return [configured[0]];
  if (requested.length > 1 && !allowMultiple) {
    throw new InvalidTarget('Only one resource may be requested at a time.');
  }
  const found: ResourceServerConfig[] = [];
  for (const value of requested) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidTarget('The resource must be an absolute URI.', { detail: `resource ${value}` });
    }
    if (value.includes('#') || url.hash) throw new InvalidTarget('The resource must not contain a fragment.');
    const match = configured.find((resource) => resource.resource === value);
    if (!match) throw new InvalidTarget('The resource is not known to this authorization server.', { detail: `resource ${value}` });
    if (!found.includes(match)) found.push(match);
  }
  return found;
}
