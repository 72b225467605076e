import { Inject, Injectable } from '@nestjs/common';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import type { ChallengeContext } from '../bearer/bearer-challenge.js';
import type { ScopePolicy } from '../bearer/scope-policy.js';
import { BASELINE_SCOPES, IMPLIED_SCOPES, TICKET_SCOPES } from '../tickets/ticket-scopes.js';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from './protected-resource-metadata.js';

/** This protected resource as clients see it: its identifier, its metadata, and its challenges. */
@Injectable()
export class ProtectedResource {
  readonly resource: string;
  readonly metadataUrl: string;
  /** The path this listener serves the path-inserted metadata at. */
  readonly metadataPath: string;
  readonly document: Readonly<Record<string, unknown>>;
  readonly scopePolicy: ScopePolicy = { known: TICKET_SCOPES, implied: IMPLIED_SCOPES };
  /** The challenge of every 401: where the metadata is, and the baseline scopes to ask for. */
  readonly challenge: ChallengeContext;

  constructor(@Inject(MCP_CONFIG) config: McpResourceConfig) {
    this.resource = config.resource;
    this.metadataUrl = protectedResourceMetadataUrl(config.resource);
    this.metadataPath = new URL(this.metadataUrl).pathname;
    this.document = protectedResourceMetadata({
      resource: config.resource,
      authorizationServers: [config.authorizationServerIssuer],
      scopes: TICKET_SCOPES,
      resourceName: config.resourceName,
    });
    this.challenge = { resourceMetadata: this.metadataUrl, scopes: BASELINE_SCOPES };
  }

  /** The challenge of a 403 insufficient_scope: the same metadata URL, the scopes to step up to. */
  stepUpChallenge(scopes: readonly string[]): ChallengeContext {
    return { resourceMetadata: this.metadataUrl, scopes };
  }
}
