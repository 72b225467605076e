import { Inject, Injectable } from '@nestjs/common';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';

export type MetadataFields = Record<string, string | boolean | readonly string[]>;

/** The endpoint URL for a path under the issuer, spelled from the issuer string itself. */
export function endpointUrl(issuer: string, path: string): string {
  return `${issuer}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * RFC 8414 metadata, derived and never hand-written: the base fields come from configuration and each
 * feature module contributes the fields for what it implements (its endpoint, grant types, auth
 * methods), so the document advertises exactly what works.
 */
@Injectable()
export class AuthorizationServerMetadata {
  private readonly contributions: Array<() => MetadataFields> = [];

  constructor(@Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig) {}

  get issuer(): string {
    return this.config.issuer;
  }

  endpoint(path: string): string {
    return endpointUrl(this.config.issuer, path);
  }

  contribute(part: () => MetadataFields): void {
    this.contributions.push(part);
  }

  document(): Record<string, unknown> {
    const scopes = [...new Set(this.config.resources.flatMap((resource) => resource.scopes))];
    const fields: Record<string, string | boolean | string[]> = {
      jwks_uri: this.endpoint('/jwks'),
      scopes_supported: scopes,
    };
    for (const contribution of this.contributions) {
      for (const [name, value] of Object.entries(contribution())) {
        const existing = fields[name];
        if (Array.isArray(value)) {
          fields[name] = [...new Set([...(Array.isArray(existing) ? existing : []), ...value])];
        } else {
          fields[name] = value as string | boolean;
        }
      }
    }
    const document: Record<string, unknown> = { issuer: this.config.issuer };
    for (const name of Object.keys(fields).sort()) document[name] = fields[name];
    return document;
  }
}
