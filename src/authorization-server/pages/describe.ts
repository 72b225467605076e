import type { ResourceServerConfig } from '../../config/sections/authorization-server.js';
import type { Client } from '../clients/client.js';
import { isLoopbackRedirectUri } from '../authorize/checks/redirect-uri.js';

/** The host part of a URL as a person should read it (for the consent page's "who is asking"). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function clientDisplayName(client: Client): string {
  return client.metadata.client_name?.trim() || hostOf(client.clientId);
}

/** CIMD section 8.5, MCP security considerations: a localhost-only client can be impersonated by any local program. */
export function allRedirectsLoopback(client: Client): boolean {
  return client.metadata.redirect_uris.length > 0 && client.metadata.redirect_uris.every(isLoopbackRedirectUri);
}

export function describeScope(scope: string, resources: readonly ResourceServerConfig[]): string {
  for (const resource of resources) {
    const described = resource.scopeDescriptions?.[scope];
    if (described) return described;
  }
  return scope;
}
