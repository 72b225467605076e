import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TokenEndpointAuthMethod } from '../clients/client.js';
import { queryRows } from '../../persistence/query-rows.js';

/** A user's authorization of a client: the source of its codes and refresh tokens. */
export interface Grant {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string | null;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** The client authentication method used when the grant was first redeemed; later uses must match. */
  readonly authMethod: TokenEndpointAuthMethod | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface GrantRow {
  id: string;
  client_id: string;
  user_id: string | null;
  scopes: string[];
  resources: string[];
  auth_method: TokenEndpointAuthMethod | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export const toGrant = (row: GrantRow): Grant => ({
  id: row.id,
  clientId: row.client_id,
  userId: row.user_id,
  scopes: row.scopes,
  resources: row.resources,
  authMethod: row.auth_method,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

@Injectable()
export class GrantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(grant: Grant, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO grants (id, client_id, user_id, scopes, resources, auth_method, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [grant.id, grant.clientId, grant.userId, JSON.stringify(grant.scopes), JSON.stringify(grant.resources), grant.authMethod, grant.createdAt, grant.expiresAt],
    );
  }

  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Grant | undefined> {
    const rows: GrantRow[] = await manager.query('SELECT * FROM grants WHERE id = $1', [id]);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  /** Records the authentication method at first redemption (it is null until then). */
  async bindAuthMethod(id: string, method: TokenEndpointAuthMethod, manager: EntityManager): Promise<void> {
    await manager.query('UPDATE grants SET auth_method = $2 WHERE id = $1 AND auth_method IS NULL', [id, method]);
  }

  /**
   * Revokes the grant and every refresh token of it. Access tokens of a revoked grant stop being active
   * at introspection (their jti names the grant).
   */
  async revoke(id: string, reason: string, now: Date, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await queryRows(manager,
      'UPDATE grants SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id',
      [id, now, reason],
    );
    await manager.query('UPDATE refresh_tokens SET consumed_at = $2 WHERE grant_id = $1 AND consumed_at IS NULL', [id, now]);
    return rows.length === 1;
  }

  /** Revokes every live grant of a user for a client (consent withdrawn). */
  async revokeForUserAndClient(userId: string, clientId: string, reason: string, now: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string }> = await manager.query(
        'SELECT id FROM grants WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL',
        [userId, clientId],
      );
      for (const row of rows) await this.revoke(row.id, reason, now, manager);
      return rows.length;
    });
  }

  async isActive(id: string, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM grants WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2',
      [id, now],
    );
    return rows.length === 1;
  }
}
