import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { looksLikeClientIdUrl } from '../cimd/client-id-url.js';
import { CimdDocuments } from '../cimd/cimd-documents.service.js';
import { JwksUriCache } from '../cimd/jwks-uri.cache.js';
import { ClientResolutionError, ClientResolver, type Client, type ClientMetadata, type ResolveOptions } from './client.js';
import { ClientUsageRecorder } from './client-usage.recorder.js';
import { ClientsRepository, type ClientRow } from './clients.repository.js';

interface Remembered {
  readonly client: Client;
  readonly validUntil: number;
}

const MEMORY_ENTRIES = 10_000;

/**
 * The one ClientResolver: an in-process layer (a few seconds, never past a document's freshness), then
 * one indexed read of the shared store (block + registered client or cached document), configured
 * clients (AS_STATIC_CLIENTS), registered (DCR) clients, then the CIMD
 * document source when the client_id is a client-id URL. Fails closed: anything unknown, blocked,
 * expired and unrefreshable, or invalid under the current rules throws ClientResolutionError.
 */
@Injectable()
export class StoredClientResolver extends ClientResolver {
  private readonly memory = new Map<string, Remembered>();
  private readonly lastForced = new Map<string, number>();
  private readonly staticClients: ReadonlyMap<string, Client>;

  constructor(
    private readonly repository: ClientsRepository,
    private readonly documents: CimdDocuments,
    private readonly jwks: JwksUriCache,
    private readonly usage: ClientUsageRecorder,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
    private readonly clock: Clock,
  ) {
    super();
    this.staticClients = new Map(
      config.staticClients.map(({ metadata, secretHash }) => [
        metadata.client_id,
        { clientId: metadata.client_id, source: 'static', metadata, confidential: metadata.token_endpoint_auth_method !== 'none', secretHash, secretExpiresAt: null },
      ]),
    );
  }

  async resolve(clientId: string, options: ResolveOptions = {}): Promise<Client> {
    if (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > this.config.maxClientIdLength) {
      throw new ClientResolutionError('unknown_client', 'the client_id is empty or too long');
    }
    const now = this.clock.nowMs();
    const force = options.forceRefresh === true && this.mayForce(clientId, now);
    const remembered = this.memory.get(clientId);
    if (!force && remembered && remembered.validUntil > now) {
      this.usage.record(clientId);
      return remembered.client;
    }
    const { row, block } = await this.repository.findForResolution(clientId);
    if (block) {
      this.memory.delete(clientId);
      throw new ClientResolutionError('blocked', `the client is blocked by ${block.blockedBy} since ${block.blockedAt.toISOString()}: ${block.reason}`);
    }
    const configured = this.staticClients.get(clientId);
    const client = configured ?? (row?.source === 'dcr' ? this.registered(row) : await this.metadataDocument(clientId, row, force, now));
    this.remember(client, now);
    this.usage.record(clientId);
    return client;
  }

  async keys(client: Client, options: ResolveOptions = {}): Promise<readonly JWK[]> {
    let current = client;
    if (options.forceRefresh && client.source === 'cimd') current = await this.resolve(client.clientId, { forceRefresh: true });
    if (current.metadata.jwks_uri) return this.jwks.keys(current.metadata.jwks_uri, options.forceRefresh === true);
    return [...(current.metadata.jwks?.keys ?? [])];
  }

  /** Drops this replica's in-process copy (after an operator change); other replicas follow within CIMD_MEMORY_CACHE_TTL. */
  forget(clientId: string): void {
    this.memory.delete(clientId);
  }

  private async metadataDocument(clientId: string, row: ClientRow | undefined, force: boolean, now: number): Promise<Client> {
    if (!looksLikeClientIdUrl(clientId)) throw new ClientResolutionError('unknown_client', 'no client is registered with this client_id');
    const intervalMs = this.config.cache.forceRefreshIntervalSeconds * 1000;
    const fresh = row?.expiresAt !== null && row?.expiresAt !== undefined && row.expiresAt.getTime() > now;
    // A replica fetched it within the interval: that serves as the forced refresh.
    const recentlyFetched = row?.fetchedAt !== null && row?.fetchedAt !== undefined && row.fetchedAt.getTime() > now - intervalMs;
    if (fresh && (!force || recentlyFetched)) {
      this.documents.admit(clientId);
      return this.documents.fromStored(row!);
    }
    if (force) {
      if (this.lastForced.size > MEMORY_ENTRIES) this.lastForced.clear();
      this.lastForced.set(clientId, now);
    }
    return this.documents.refresh(clientId, row);
  }

  private mayForce(clientId: string, now: number): boolean {
    const last = this.lastForced.get(clientId) ?? Number.NEGATIVE_INFINITY;
    return last <= now - this.config.cache.forceRefreshIntervalSeconds * 1000;
  }

  private registered(row: ClientRow): Client {
    const metadata = row.metadata as unknown as ClientMetadata;
    return {
      clientId: row.clientId,
      source: 'dcr',
      metadata,
      confidential: metadata.token_endpoint_auth_method !== 'none',
      secretHash: row.secretHash ?? undefined,
      secretExpiresAt: row.secretExpiresAt,
    };
  }

  private remember(client: Client, now: number): void {
    const memoryMs = this.config.cache.memorySeconds * 1000;
    const validUntil = Math.min(now + memoryMs, client.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
    if (validUntil <= now) {
      this.memory.delete(client.clientId);
      return;
    }
    this.memory.delete(client.clientId);
    this.memory.set(client.clientId, { client, validUntil });
    if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
  }
}
