import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InstallEntity } from '../installs/install.entity.js';
import type { PageCursor } from './list-installs.query.js';

export interface InstallFilters {
  readonly profileId?: string;
  readonly platform?: string;
  readonly assurance?: string;
  readonly status: 'active' | 'deleted' | 'all';
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
}

export interface AuditRow {
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly details: Record<string, unknown>;
  readonly request_id: string | null;
}

/** Operator reads: filtered, keyset-paged install lists and an install's audit trail. */
@Injectable()
export class InstallsQueryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; returns up to `limit` rows plus whether more follow. */
  async list(filters: InstallFilters, limit: number, after?: PageCursor): Promise<{ rows: InstallEntity[]; more: boolean }> {
    const query = this.dataSource.getRepository(InstallEntity).createQueryBuilder('install');
    if (filters.profileId !== undefined) query.andWhere('install.profile_id = :profileId', { profileId: filters.profileId });
    if (filters.platform !== undefined) query.andWhere('install.platform = :platform', { platform: filters.platform });
    if (filters.assurance !== undefined) query.andWhere('install.assurance = :assurance', { assurance: filters.assurance });
    if (filters.status !== 'all') query.andWhere('install.status = :status', { status: filters.status });
    if (filters.createdAfter) query.andWhere('install.created_at >= :createdAfter', { createdAfter: filters.createdAfter });
    if (filters.createdBefore) query.andWhere('install.created_at < :createdBefore', { createdBefore: filters.createdBefore });
    if (after) query.andWhere('(install.created_at, install.id) < (:afterCreatedAt, :afterId)', { afterCreatedAt: after.createdAt, afterId: after.id });
    const rows = await query.orderBy('install.created_at', 'DESC').addOrderBy('install.id', 'DESC').limit(limit + 1).getMany();
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  async auditTrail(installId: string): Promise<AuditRow[]> {
    return this.dataSource.query(
      `SELECT at, actor, action, details, request_id FROM audit_log
       WHERE context = 'client-backend' AND target_type = 'install' AND target_id = $1 ORDER BY at, id`,
      [installId],
    );
  }
}
