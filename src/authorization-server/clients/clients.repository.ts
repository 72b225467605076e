import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { returnedRows } from '../../persistence/database-errors.js';
import type { ClientSource } from './client.js';

export interface ClientRow {
  readonly clientId: string;
  readonly source: Exclude<ClientSource, 'static'>;
  readonly metadata: Record<string, unknown>;
  readonly secretHash: string | null;
  readonly secretExpiresAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly fetchedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly responseHeaders: Record<string, string> | null;
  readonly cacheSource: string | null;
  readonly lastError: string | null;
  readonly lastErrorAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface ClientBlock {
  readonly blockedAt: Date;
  readonly blockedBy: string;
  readonly reason: string;
}

export interface StoredDocument {
  readonly clientId: string;
  readonly document: Record<string, unknown>;
  readonly fetchedAt: Date;
  readonly expiresAt: Date;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly responseHeaders: Record<string, string>;
  readonly cacheSource: string;
}

const COLUMNS = `c.client_id, c.source, c.metadata, c.secret_hash, c.secret_expires_at, c.created_at, c.updated_at, c.fetched_at,
  c.expires_at, c.etag, c.last_modified, c.response_headers, c.cache_source, c.last_error, c.last_error_at, c.last_used_at`;

type Raw = Record<string, unknown>;

function toRow(raw: Raw): ClientRow {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    clientId: raw.client_id as string,
    source: raw.source as ClientRow['source'],
    metadata: raw.metadata as Record<string, unknown>,
    secretHash: (raw.secret_hash as string | null) ?? null,
    secretExpiresAt: date(raw.secret_expires_at),
    createdAt: date(raw.created_at)!,
    updatedAt: date(raw.updated_at)!,
    fetchedAt: date(raw.fetched_at),
    expiresAt: date(raw.expires_at),
    etag: (raw.etag as string | null) ?? null,
    lastModified: (raw.last_modified as string | null) ?? null,
    responseHeaders: (raw.response_headers as Record<string, string> | null) ?? null,
    cacheSource: (raw.cache_source as string | null) ?? null,
    lastError: (raw.last_error as string | null) ?? null,
    lastErrorAt: date(raw.last_error_at),
    lastUsedAt: date(raw.last_used_at),
  };
}

/** Registered clients, cached CIMD documents and blocks. Time always comes from the caller's clock. */
@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One round trip, two primary-key lookups: the client's row (if any) and its block (if any). */
  async findForResolution(clientId: string): Promise<{ row?: ClientRow; block?: ClientBlock }> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, b.blocked_at, b.blocked_by, b.reason AS block_reason
         FROM (SELECT $1::text AS id) q
         LEFT JOIN as_clients c ON c.client_id = q.id
         LEFT JOIN as_client_blocks b ON b.client_id = q.id`,
      [clientId],
    );
    const raw = rows[0];
    if (!raw) return {};
    return {
      row: raw.client_id ? toRow(raw) : undefined,
      block: raw.blocked_at ? { blockedAt: new Date(raw.blocked_at as string), blockedBy: raw.blocked_by as string, reason: raw.block_reason as string } : undefined,
    };
  }

  async find(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<ClientRow | undefined> {
    const rows: Raw[] = await manager.query(`SELECT ${COLUMNS} FROM as_clients c WHERE c.client_id = $1`, [clientId]);
    return rows[0] && toRow(rows[0]);
  }

  /** Stores a validated document (a CIMD row never replaces a registered client's row). */
  async saveDocument(entry: StoredDocument, now: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO as_clients (client_id, source, metadata, created_at, updated_at, fetched_at, expires_at, etag, last_modified, response_headers, cache_source)
       VALUES ($1, 'cimd', $2, $3, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (client_id) DO UPDATE SET metadata = $2, updated_at = $3, fetched_at = $4, expires_at = $5, etag = $6,
         last_modified = $7, response_headers = $8, cache_source = $9, last_error = NULL, last_error_at = NULL
       WHERE as_clients.source = 'cimd'`,
      [entry.clientId, JSON.stringify(entry.document), now, entry.fetchedAt, entry.expiresAt, entry.etag, entry.lastModified,
        JSON.stringify(entry.responseHeaders), entry.cacheSource],
    );
  }

  /** A 304 answer: the stored document stays, its validators and freshness are renewed (RFC 9111 section 4.3.4). */
  async renewDocument(clientId: string, update: Omit<StoredDocument, 'clientId' | 'document'>): Promise<void> {
    await this.dataSource.query(
      `UPDATE as_clients SET fetched_at = $2, expires_at = $3, etag = $4, last_modified = $5, response_headers = $6, cache_source = $7,
         updated_at = $2, last_error = NULL, last_error_at = NULL
       WHERE client_id = $1 AND source = 'cimd'`,
      [clientId, update.fetchedAt, update.expiresAt, update.etag, update.lastModified, JSON.stringify(update.responseHeaders), update.cacheSource],
    );
  }

  async recordFetchError(clientId: string, error: string, at: Date): Promise<void> {
    await this.dataSource.query(`UPDATE as_clients SET last_error = $2, last_error_at = $3 WHERE client_id = $1 AND source = 'cimd'`, [clientId, error.slice(0, 1000), at]);
  }

  /** Forgets a cached document (deleted at its origin, now no-store, or removed by the operator). */
  async forgetDocument(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = returnedRows(await manager.query(`DELETE FROM as_clients WHERE client_id = $1 AND source = 'cimd' RETURNING client_id`, [clientId]));
    return rows.length > 0;
  }

  /** Records use at most once per interval per client, in one conditional statement. */
  async touch(clientId: string, at: Date, intervalMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE as_clients SET last_used_at = $2 WHERE client_id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)`,
      [clientId, at, new Date(at.getTime() - intervalMs)],
    );
  }

  async insertRegistered(
    entry: { clientId: string; metadata: Record<string, unknown>; secretHash: string | null; secretExpiresAt: Date | null },
    now: Date,
    manager: EntityManager,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO as_clients (client_id, source, metadata, secret_hash, secret_expires_at, created_at, updated_at)
       VALUES ($1, 'dcr', $2, $3, $4, $5, $5)`,
      [entry.clientId, JSON.stringify(entry.metadata), entry.secretHash, entry.secretExpiresAt, now],
    );
  }

  async delete(clientId: string, manager: EntityManager): Promise<ClientRow | undefined> {
    const rows = returnedRows<Raw>(await manager.query(`DELETE FROM as_clients c WHERE c.client_id = $1 RETURNING ${COLUMNS}`, [clientId]));
    return rows[0] && toRow(rows[0]);
  }

  /** Newest first within a source filter; keyset pagination on client_id. */
  async list(filter: { source?: string; after?: string; limit: number }): Promise<Array<ClientRow & { block?: ClientBlock }>> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, b.blocked_at, b.blocked_by, b.reason AS block_reason
         FROM as_clients c LEFT JOIN as_client_blocks b ON b.client_id = c.client_id
        WHERE ($1::text IS NULL OR c.source = $1) AND ($2::text IS NULL OR c.client_id > $2)
        ORDER BY c.client_id LIMIT $3`,
      [filter.source ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map((raw) => ({
      ...toRow(raw),
      block: raw.blocked_at ? { blockedAt: new Date(raw.blocked_at as string), blockedBy: raw.blocked_by as string, reason: raw.block_reason as string } : undefined,
    }));
  }

  async block(clientId: string, block: ClientBlock, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO as_client_blocks (client_id, blocked_at, blocked_by, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (client_id) DO NOTHING RETURNING client_id`,
      [clientId, block.blockedAt, block.blockedBy, block.reason],
    );
    return rows.length > 0;
  }

  async unblock(clientId: string, manager: EntityManager): Promise<ClientBlock | undefined> {
    const rows = returnedRows<Raw>(await manager.query(`DELETE FROM as_client_blocks WHERE client_id = $1 RETURNING blocked_at, blocked_by, reason`, [clientId]));
    const raw = rows[0];
    return raw && { blockedAt: new Date(raw.blocked_at as string), blockedBy: raw.blocked_by as string, reason: raw.reason as string };
  }

  /** Blocks on client_ids that have no row (blocked before they were ever seen, or deleted since). */
  async blocksWithoutRow(): Promise<Array<{ clientId: string } & ClientBlock>> {
    const rows: Raw[] = await this.dataSource.query(
      `SELECT b.client_id, b.blocked_at, b.blocked_by, b.reason FROM as_client_blocks b
        WHERE NOT EXISTS (SELECT 1 FROM as_clients c WHERE c.client_id = b.client_id) ORDER BY b.client_id LIMIT 1000`,
    );
    return rows.map((raw) => ({ clientId: raw.client_id as string, blockedAt: new Date(raw.blocked_at as string), blockedBy: raw.blocked_by as string, reason: raw.reason as string }));
  }
}
