import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { randomToken } from '../../common/crypto/random.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { queryRows } from '../../persistence/query-rows.js';

/** A validated authorization request waiting for the user to sign in and decide. */
export interface Interaction {
  readonly request: AuthorizationRequest;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly completedAt: Date | null;
}

/** The interaction id in the URL is a capability: random, stored only as its hash, usable once. */
@Injectable()
export class InteractionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(request: AuthorizationRequest, now: Date, ttlSeconds: number): Promise<string> {
    const id = randomToken();
    await this.dataSource.query(
      'INSERT INTO authorization_interactions (id_hash, client_id, request, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [sha256Base64Url(id), request.clientId, JSON.stringify(request), now, new Date(now.getTime() + ttlSeconds * 1000)],
    );
    return id;
  }

  /** The interaction while it is still pending and unexpired. */
  async findPending(id: string, now: Date): Promise<Interaction | undefined> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return undefined;
    const rows: Array<{ request: AuthorizationRequest; created_at: Date; expires_at: Date; completed_at: Date | null }> = await this.dataSource.query(
      'SELECT request, created_at, expires_at, completed_at FROM authorization_interactions WHERE id_hash = $1 AND completed_at IS NULL AND expires_at > $2',
      [sha256Base64Url(id), now],
    );
    const row = rows[0];
    return row ? { request: row.request, createdAt: row.created_at, expiresAt: row.expires_at, completedAt: row.completed_at } : undefined;
  }

  /** Marks it decided, once: false when another request completed it first or it expired. */
  async complete(id: string, now: Date, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await queryRows(manager,
      'UPDATE authorization_interactions SET completed_at = $2 WHERE id_hash = $1 AND completed_at IS NULL AND expires_at > $2 RETURNING 1',
      [sha256Base64Url(id), now],
    );
    return rows.length === 1;
  }

  async deleteExpired(before: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM authorization_interactions WHERE expires_at < $1', [before]);
  }
}
