import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../../persistence/query-rows.js';

export interface Consent {
  readonly clientId: string;
  readonly resource: string;
  readonly scopes: readonly string[];
  readonly grantedAt: Date;
}

/** What a user has agreed to, per client and resource; withdrawing it also revokes the grants. */
@Injectable()
export class ConsentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds the scopes to what the user already granted this client for each resource. */
  async remember(userId: string, clientId: string, resources: readonly string[], scopes: readonly string[], now: Date, manager: EntityManager): Promise<void> {
    for (const resource of resources) {
      const rows: Array<{ scopes: string[] }> = await manager.query(
        'SELECT scopes FROM consents WHERE user_id = $1 AND client_id = $2 AND resource = $3 FOR UPDATE',
        [userId, clientId, resource],
      );
      const merged = [...new Set([...(rows[0]?.scopes ?? []), ...scopes])].sort();
      await manager.query(
        `INSERT INTO consents (user_id, client_id, resource, scopes, granted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, client_id, resource) DO UPDATE SET scopes = EXCLUDED.scopes, granted_at = EXCLUDED.granted_at`,
        [userId, clientId, resource, JSON.stringify(merged), now],
      );
    }
  }

  /** True when earlier consent covers every requested resource and scope. */
  async covers(userId: string, clientId: string, resources: readonly string[], scopes: readonly string[]): Promise<boolean> {
    const rows: Array<{ resource: string; scopes: string[] }> = await this.dataSource.query(
      'SELECT resource, scopes FROM consents WHERE user_id = $1 AND client_id = $2',
      [userId, clientId],
    );
    const granted = new Set(rows.filter((row) => resources.includes(row.resource)).flatMap((row) => row.scopes));
    return resources.every((resource) => rows.some((row) => row.resource === resource)) && scopes.every((scope) => granted.has(scope));
  }

  async hasAny(userId: string, clientId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM consents WHERE user_id = $1 AND client_id = $2 LIMIT 1', [userId, clientId]);
    return rows.length > 0;
  }

  async list(userId: string): Promise<Consent[]> {
    const rows: Array<{ client_id: string; resource: string; scopes: string[]; granted_at: Date }> = await this.dataSource.query(
      'SELECT client_id, resource, scopes, granted_at FROM consents WHERE user_id = $1 ORDER BY granted_at DESC',
      [userId],
    );
    return rows.map((row) => ({ clientId: row.client_id, resource: row.resource, scopes: row.scopes, grantedAt: row.granted_at }));
  }

  async withdraw(userId: string, clientId: string): Promise<number> {
    const rows: unknown[] = await queryRows(this.dataSource, 'DELETE FROM consents WHERE user_id = $1 AND client_id = $2 RETURNING 1', [userId, clientId]);
    return rows.length;
  }
}
