import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log.js';
import { Clock } from '../../../common/clock/clock.js';
import { ApiError } from '../../../common/errors/protocol-error.js';
import { CIMD_CONFIG } from '../../../config/config.tokens.js';
import type { CimdConfig } from '../../../config/sections/cimd.js';
import { CimdDocuments } from '../../cimd/cimd-documents.service.js';
import { ClientResolutionError } from '../client.js';
import { ClientsRepository, type ClientBlock, type ClientRow } from '../clients.repository.js';
import { StoredClientResolver } from '../stored-client.resolver.js';

const ACTOR = 'operator';

/** What the operator sees of a client: its provenance, never a secret (or its hash). */
export function clientView(row: ClientRow, block?: ClientBlock): Record<string, unknown> {
  const metadata = row.metadata;
  return {
    client_id: row.clientId,
    source: row.source,
    client_name: metadata.client_name ?? null,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method ?? null,
    blocked: block ? { at: block.blockedAt.toISOString(), by: block.blockedBy, reason: block.reason } : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    fetched_at: row.fetchedAt?.toISOString() ?? null,
    expires_at: row.expiresAt?.toISOString() ?? null,
    etag: row.etag,
    last_modified: row.lastModified,
    cache_decided_by: row.cacheSource,
    last_error: row.lastError ? { at: row.lastErrorAt?.toISOString() ?? null, error: row.lastError } : null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    has_secret: row.secretHash !== null,
    secret_expires_at: row.secretExpiresAt?.toISOString() ?? null,
  };
}

/** Operator actions on clients; every change is written to the audit log in the same transaction. */
@Injectable()
export class ClientsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ClientsRepository,
    private readonly resolver: StoredClientResolver,
    private readonly documents: CimdDocuments,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
  ) {}

  async list(filter: { source?: 'cimd' | 'dcr'; after?: string; limit?: number }): Promise<Record<string, unknown>> {
    const limit = filter.limit ?? 100;
    const rows = await this.repository.list({ ...filter, limit });
    // Clients without a row (configured ones, blocks on unseen ids) come with the first unfiltered page.
    const first = filter.after === undefined && filter.source === undefined;
    const blockedOnly = first ? await this.repository.blocksWithoutRow() : [];
    return {
      clients: rows.map((row) => clientView(row, row.block)),
      configured: first
        ? this.config.staticClients.map(({ metadata, secretHash }) => ({
            client_id: metadata.client_id,
            source: 'static',
            client_name: metadata.client_name ?? null,
            token_endpoint_auth_method: metadata.token_endpoint_auth_method,
            has_secret: secretHash !== undefined,
          }))
        : [],
      blocked_without_record: blockedOnly.map((block) => ({ client_id: block.clientId, at: block.blockedAt.toISOString(), by: block.blockedBy, reason: block.reason })),
      next_after: rows.length === limit ? rows[rows.length - 1].clientId : null,
    };
  }

  async get(clientId: string): Promise<Record<string, unknown>> {
    const { row, block } = await this.repository.findForResolution(clientId);
    const configured = this.config.staticClients.find((client) => client.metadata.client_id === clientId);
    if (configured) {
      const blocked = block ? { at: block.blockedAt.toISOString(), by: block.blockedBy, reason: block.reason } : null;
      return { client_id: clientId, source: 'static', blocked, has_secret: configured.secretHash !== undefined, metadata: configured.metadata };
    }
    if (!row && !block) throw new ApiError(404, 'not_found', 'No client with this client_id is known.', { detail: clientId });
    if (!row) return { client_id: clientId, source: null, blocked: { at: block!.blockedAt.toISOString(), by: block!.blockedBy, reason: block!.reason } };
    return { ...clientView(row, block), metadata: row.metadata };
  }

  async block(clientId: string, reason: string): Promise<Record<string, unknown>> {
    const block = { blockedAt: this.clock.now(), blockedBy: ACTOR, reason };
    const created = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.repository.block(clientId, block, manager);
      if (inserted) await this.record('client.blocked', clientId, { reason }, manager);
      return inserted;
    });
    if (!created) throw new ApiError(409, 'already_blocked', 'This client is already blocked.', { detail: clientId });
    this.resolver.forget(clientId);
    return { client_id: clientId, blocked: { at: block.blockedAt.toISOString(), by: ACTOR, reason } };
  }

  async unblock(clientId: string): Promise<Record<string, unknown>> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const block = await this.repository.unblock(clientId, manager);
      if (block) await this.record('client.unblocked', clientId, { was: block.reason }, manager);
      return block;
    });
    if (!removed) throw new ApiError(404, 'not_blocked', 'This client is not blocked.', { detail: clientId });
    this.resolver.forget(clientId);
    return { client_id: clientId, blocked: null };
  }

  /** Deletes a registration or a cached document. Deleting never bans: a CIMD client is fetched again on next use. */
  async delete(clientId: string): Promise<void> {
    const deleted = await this.dataSource.transaction(async (manager) => {
      const row = await this.repository.delete(clientId, manager);
      if (row) await this.record('client.deleted', clientId, { source: row.source, client_name: row.metadata.client_name ?? null }, manager);
      return row;
    });
    if (!deleted) throw new ApiError(404, 'not_found', 'No client with this client_id is stored.', { detail: clientId });
    this.resolver.forget(clientId);
  }

  /** Fetches the document now, whatever its freshness (an operator is not rate-limited). */
  async refetch(clientId: string): Promise<Record<string, unknown>> {
    const { row } = await this.repository.findForResolution(clientId);
    if (row?.source === 'dcr') throw new ApiError(400, 'not_a_metadata_document', 'This client is registered, not described by a metadata document.');
    this.resolver.forget(clientId);
    try {
      await this.documents.refresh(clientId, row);
    } catch (error) {
      if (!(error instanceof ClientResolutionError)) throw error;
      await this.record('client.refetched', clientId, { outcome: error.reason, detail: error.message });
      throw new ApiError(422, 'refetch_failed', `The document could not be used: ${error.reason}.`, { detail: error.message, extra: { reason: error.reason, detail: error.message } });
    }
    await this.record('client.refetched', clientId, { outcome: 'ok' });
    return this.get(clientId);
  }

  private record(action: string, clientId: string, details: Record<string, unknown>, manager = this.dataSource.manager): Promise<void> {
    return this.audit.record({ context: 'authorization-server', actor: ACTOR, action, targetType: 'client', targetId: clientId, details }, manager);
  }
}
