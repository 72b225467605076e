import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { queryRows } from '../../persistence/query-rows.js';
import type { TokenEndpointAuthMethod } from '../clients/client.js';
import { toGrant, type Grant, type GrantRow } from './grants.repository.js';

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

export interface RotationRequest {
  readonly token: string;
  /** The refresh token that replaces it. */
  readonly next: string;
  readonly clientId: string;
  readonly method: TokenEndpointAuthMethod;
  readonly now: Date;
  /** now + the idle period; the new token's expiry is this or the grant's, whichever comes first. */
  readonly idleExpiry: Date;
  /** Scopes the request narrows to (empty: the grant's). */
  readonly scopes: readonly string[];
  /** The resource parameters of the request. */
  readonly resources: readonly string[];
}

export interface Rotation {
  /** The presented token as it was before this request (undefined: unknown token). */
  readonly record?: RefreshTokenRecord;
  readonly grant?: Grant;
  /** Whether this request consumed the token and stored `next`. */
  readonly rotated: boolean;
}

/**
 * One statement: read the token and its grant as they were, and consume the token and insert its
 * successor only if every condition of the refresh grant holds (right client, unused, unexpired, grant
 * live, same authentication method, scope within the grant, one resource of the grant). The caller
 * checks the same conditions on the returned snapshot to name the failure; a token that passed them but
 * was not rotated lost a race to another use. Keep both sides equal (RefreshTokenGrant.handle,
 * selectAudience, refreshTokenExpiry): a condition only here makes a valid refresh look like a reuse and
 * revokes its grant; a condition only there consumes the token of a refused request.
 */
const ROTATE = `
WITH old AS (
  SELECT rt.client_id AS rt_client_id, rt.expires_at AS rt_expires_at, rt.consumed_at AS rt_consumed_at, rt.grant_id AS rt_grant_id, g.*
  FROM refresh_tokens rt LEFT JOIN grants g ON g.id = rt.grant_id
  WHERE rt.token_hash = $1
), consumed AS (
  UPDATE refresh_tokens rt SET consumed_at = $3
  FROM grants g
  WHERE rt.token_hash = $1 AND rt.consumed_at IS NULL AND rt.client_id = $4 AND rt.expires_at > $3
    AND g.id = rt.grant_id AND g.revoked_at IS NULL AND g.expires_at > $3
    AND (g.auth_method IS NULL OR g.auth_method = $5)
    AND g.scopes @> $6::jsonb
    AND CASE jsonb_array_length($7::jsonb) WHEN 0 THEN jsonb_array_length(g.resources) = 1 WHEN 1 THEN g.resources @> $7::jsonb ELSE false END
  RETURNING rt.grant_id, LEAST($8::timestamptz, g.expires_at) AS next_expires_at
), inserted AS (
  INSERT INTO refresh_tokens (token_hash, grant_id, client_id, created_at, expires_at)
  SELECT $2, grant_id, $4, $3, next_expires_at FROM consumed
  RETURNING 1
)
SELECT old.*, (SELECT count(*) FROM inserted)::integer AS rotated FROM old`;

interface RotateRow extends GrantRow {
  rt_client_id: string;
  rt_expires_at: Date;
  rt_consumed_at: Date | null;
  rt_grant_id: string;
  rotated: number;
}

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

  /** Single use with rotation (OAuth 2.1 section 4.3.1) in one atomic statement: see ROTATE. */
  async rotate(request: RotationRequest): Promise<Rotation> {
    const [row] = await queryRows<RotateRow>(this.dataSource, ROTATE, [
      sha256Base64Url(request.token),
      sha256Base64Url(request.next),
      request.now,
      request.clientId,
      request.method,
      JSON.stringify(request.scopes),
      JSON.stringify(request.resources),
      request.idleExpiry,
    ]);
    if (!row) return { rotated: false };
    const record = { grantId: row.rt_grant_id, clientId: row.rt_client_id, expiresAt: row.rt_expires_at, consumedAt: row.rt_consumed_at };
    return { record, grant: row.id ? toGrant(row) : undefined, rotated: Number(row.rotated) === 1 };
  }
}
