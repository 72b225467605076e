import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { queryRows } from '../../persistence/query-rows.js';

export interface RefreshTokenRecord {
  readonly grantId: string;
  readonly clientId: string;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
}

interface RefreshRow {
  grant_id: string;
  client_id: string;
  expires_at: Date;
  consumed_at: Date | null;
}

const toRecord = (row: RefreshRow): RefreshTokenRecord => ({
  grantId: row.grant_id,
  clientId: row.client_id,
  expiresAt: row.expires_at,
  consumedAt: row.consumed_at,
});

/**
 * A refresh token expires after the idle period (OAuth 2.1 section 4.3.3) and never outlives its grant;
 * every rotation starts a new idle period.
 */
export function refreshTokenExpiry(now: Date, idleSeconds: number, grantExpiresAt: Date): Date {
  const idle = new Date(now.getTime() + idleSeconds * 1000);
  return idle < grantExpiresAt ? idle : grantExpiresAt;
}

/** Opaque refresh tokens, stored hashed, rotated on every use (OAuth 2.1 section 4.3.1). */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: string, grantId: string, clientId: string, now: Date, expiresAt: Date, manager: EntityManager): Promise<void> {
    await manager.query(
      'INSERT INTO refresh_tokens (token_hash, grant_id, client_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [sha256Base64Url(token), grantId, clientId, now, expiresAt],
    );
  }

  async find(token: string): Promise<RefreshTokenRecord | undefined> {
    const rows: RefreshRow[] = await this.dataSource.query('SELECT * FROM refresh_tokens WHERE token_hash = $1', [sha256Base64Url(token)]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Single use: one conditional UPDATE; false when it was already used (reuse) or raced. */
  async consume(token: string, now: Date, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await queryRows(manager,
      'UPDATE refresh_tokens SET consumed_at = $2 WHERE token_hash = $1 AND consumed_at IS NULL RETURNING 1',
      [sha256Base64Url(token), now],
    );
    return rows.length === 1;
  }
}
