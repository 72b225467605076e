import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../clock/clock.js';
import { requestContext } from '../logging/request-context.js';

export interface AuditEntry {
  /** Which part of the system: 'client-backend', 'authorization-server'. */
  readonly context: string;
  /** Who: 'operator', 'device:<install-id>', 'system'. */
  readonly actor: string;
  /** What: 'install.created', 'install.deleted', 'client.blocked', ... */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly details?: Record<string, unknown>;
}

/**
 * Who did what, when. Pass the transaction's manager so that the entry commits (or rolls back)
 * together with the change it describes.
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (at, context, actor, action, target_type, target_id, details, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        this.clock.now(),
        entry.context,
        entry.actor,
        entry.action,
        entry.targetType,
        entry.targetId,
        JSON.stringify(entry.details ?? {}),
        requestContext.getStore()?.requestId ?? null,
      ],
    );
  }
}
