import { InvalidTarget } from '../../oauth-errors/oauth-errors.js';

/**
 * RFC 8707 section 2.2: the token request's `resource` must be one the grant covers, and the access
 * token is for exactly one audience. Without it, a grant for a single resource implies that one.
 */
export function selectAudience(requested: readonly string[], granted: readonly string[]): string {
  if (requested.length > 1) throw new InvalidTarget('Request one resource per access token.');
  if (requested.length === 1) {
    if (!granted.includes(requested[0])) {
      throw new InvalidTarget('The resource is not covered by this grant.', { detail: `resource ${requested[0]} not in ${granted.join(' ')}` });
    }
    return requested[0];
  }
  if (granted.length !== 1) throw new InvalidTarget('Several resources were authorized: name one with the resource parameter.');
  return granted[0];
}
