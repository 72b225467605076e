import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { queryRows } from '../../persistence/query-rows.js';

/** An authorization code, bound to everything it was issued for (OAuth 2.1 section 4.1.2). */
export interface AuthorizationCode {
  readonly grantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string | null;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly authTime: Date;
  readonly expiresAt: Date;
  readonly consumedAt: Date | null;
}

interface CodeRow {
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  code_challenge: string | null;
  scopes: string[];
  resources: string[];
  auth_time: Date;
  expires_at: Date;
  consumed_at: Date | null;
}

const toCode = (row: CodeRow): AuthorizationCode => ({
  grantId: row.grant_id,
  clientId: row.client_id,
  userId: row.user_id,
  redirectUri: row.redirect_uri,
  codeChallenge: row.code_challenge,
  scopes: row.scopes,
  resources: row.resources,
  authTime: row.auth_time,
  expiresAt: row.expires_at,
  consumedAt: row.consumed_at,
});

/** Codes are stored only as their SHA-256; the value itself exists only in the redirect. */
@Injectable()
export class AuthorizationCodesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(code: string, record: Omit<AuthorizationCode, 'consumedAt'>, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO authorization_codes (code_hash, grant_id, client_id, user_id, redirect_uri,
         code_challenge, scopes, resources, auth_time, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        sha256Base64Url(code),
        record.grantId,
        record.clientId,
        record.userId,
        record.redirectUri,
        record.codeChallenge,
        JSON.stringify(record.scopes),
        JSON.stringify(record.resources),
        record.authTime,
        record.expiresAt,
      ],
    );
  }

  async find(code: string): Promise<AuthorizationCode | undefined> {
    const rows: CodeRow[] = await this.dataSource.query('SELECT * FROM authorization_codes WHERE code_hash = $1', [sha256Base64Url(code)]);
    return rows[0] ? toCode(rows[0]) : undefined;
  }

  /** Single use: one conditional UPDATE; false when the code was already redeemed (or raced). */
  async consume(code: string, now: Date, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await queryRows(manager,
      'UPDATE authorization_codes SET consumed_at = $2 WHERE code_hash = $1 AND consumed_at IS NULL RETURNING 1',
      [sha256Base64Url(code), now],
    );
    return rows.length === 1;
  }

  async deleteExpired(before: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM authorization_codes WHERE expires_at < $1', [before]);
  }
}
