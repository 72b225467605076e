import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { queryRows } from '../../persistence/query-rows.js';
import { WriteBatcher } from '../../persistence/write-batcher.js';
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
 * One statement for a batch of refreshes (see WriteBatcher): for each, read the token and its grant as
 * they were, and consume the token and insert its successor only if every condition of the refresh grant
 * holds (right client, unused, unexpired, grant live, same authentication method, scope within the
 * grant, one resource of the grant). The caller checks the same conditions on the returned snapshot to
 * name the failure; a token that passed them but was not rotated lost a race to another use. Keep both
 * sides equal (RefreshTokenGrant.handle, selectAudience, refreshTokenExpiry): a condition only here makes
 * a valid refresh look like a reuse and revokes its grant; a condition only there consumes the token of a
 * refused request.
 *
 * `locked` takes the row locks in token_hash order before the update, so two batches (this process's
 * or another replica's) that present the same tokens wait for each other instead of deadlocking; the
 * update then re-checks every condition on the row as the other one left it (READ COMMITTED), so only
 * one use of a token ever rotates it. A token presented by several requests of one batch is updated at
 * most once, by one of those that meet every condition (an update joins a row to one input row); the
 * others see the same snapshot and, having passed the checks, count as the reuse they are, while a
 * request refused for its own reason (another client, a wider scope) leaves the others unaffected.
 */
const ROTATE = `
WITH r AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    ord integer, token_hash text, next_hash text, client_id text, method text, at timestamptz,
    idle_expiry timestamptz, scopes jsonb, resources jsonb)
), old AS (
  SELECT r.ord, rt.client_id AS rt_client_id, rt.expires_at AS rt_expires_at, rt.consumed_at AS rt_consumed_at, rt.grant_id AS rt_grant_id, g.*
  FROM r JOIN refresh_tokens rt ON rt.token_hash = r.token_hash LEFT JOIN grants g ON g.id = rt.grant_id
), locked AS MATERIALIZED (
  SELECT rt.token_hash FROM refresh_tokens rt
  WHERE rt.token_hash IN (SELECT token_hash FROM r) AND rt.consumed_at IS NULL
  ORDER BY rt.token_hash
  FOR UPDATE OF rt
), consumed AS (
  UPDATE refresh_tokens rt SET consumed_at = r.at
  FROM r, grants g
  WHERE rt.token_hash = r.token_hash AND rt.token_hash IN (SELECT token_hash FROM locked)
    AND rt.consumed_at IS NULL AND rt.client_id = r.client_id AND rt.expires_at > r.at
    AND g.id = rt.grant_id AND g.revoked_at IS NULL AND g.expires_at > r.at
    AND (g.auth_method IS NULL OR g.auth_method = r.method)
    AND g.scopes @> r.scopes
    AND CASE jsonb_array_length(r.resources) WHEN 0 THEN jsonb_array_length(g.resources) = 1 WHEN 1 THEN g.resources @> r.resources ELSE false END
  RETURNING r.ord, r.next_hash, r.client_id, r.at, rt.grant_id, LEAST(r.idle_expiry, g.expires_at) AS next_expires_at
), inserted AS (
  INSERT INTO refresh_tokens (token_hash, grant_id, client_id, created_at, expires_at)
  SELECT next_hash, grant_id, client_id, at, next_expires_at FROM consumed
  RETURNING token_hash
)
SELECT old.*, (SELECT count(*) FROM consumed c JOIN inserted i ON i.token_hash = c.next_hash WHERE c.ord = old.ord)::integer AS rotated
FROM old`;

/** The rows one batch sends: every request, numbered in submission order. */
export function rotationRows(items: readonly RotationRequest[]) {
  return items.map((item, ord) => ({
    ord,
    token_hash: sha256Base64Url(item.token),
    next_hash: sha256Base64Url(item.next),
    client_id: item.clientId,
    method: item.method,
    at: item.now.toISOString(),
    idle_expiry: item.idleExpiry.toISOString(),
    scopes: item.scopes,
    resources: item.resources,
  }));
}

interface RotateRow extends GrantRow {
  ord: number;
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
  private readonly rotations = new WriteBatcher<RotationRequest, Rotation>((items) => this.rotateBatch(items), { maxBatch: 128, maxInFlight: 2 });

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

  /**
   * Single use with rotation (OAuth 2.1 section 4.3.1), atomic per token: see ROTATE. Refreshes arriving
   * together share one statement (one round trip and one commit); each still gets its own answer.
   */
  rotate(request: RotationRequest): Promise<Rotation> {
    return this.rotations.submit(request);
  }

  private async rotateBatch(items: readonly RotationRequest[]): Promise<Rotation[]> {
    const rows = await queryRows<RotateRow>(this.dataSource, ROTATE, [JSON.stringify(rotationRows(items))]);
    const byOrd = new Map(rows.map((row) => [Number(row.ord), row]));
    return items.map((_item, ord) => {
      const row = byOrd.get(ord);
      if (!row) return { rotated: false };
      const record = { grantId: row.rt_grant_id, clientId: row.rt_client_id, expiresAt: row.rt_expires_at, consumedAt: row.rt_consumed_at };
      return { record, grant: row.id ? toGrant(row) : undefined, rotated: Number(row.rotated) === 1 };
    });
  }
}
