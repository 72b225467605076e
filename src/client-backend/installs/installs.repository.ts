import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../common/audit/audit-log.js';
import { isUniqueViolation } from '../../persistence/database-errors.js';
import { returnedRows } from '../../persistence/returned-rows.js';
import { attestationErrors } from '../attestation/attestation-errors.js';
import type { AttestedKey, DevicePublicJwk } from '../attestation/device-key.js';
import { DocumentCache } from './document-cache.js';
import { InstallKeyEntity } from './install-key.entity.js';
import { InstallEntity } from './install.entity.js';

const AUDIT_CONTEXT = 'client-backend';

/** What the metadata document needs: one primary-key lookup. */
export interface DocumentRow {
  readonly profileId: string;
  readonly status: 'active' | 'deleted';
  readonly publicJwk: DevicePublicJwk;
}

export type DeletedBy = 'device' | 'operator';

function keyRow(installId: string, key: AttestedKey, now: Date): InstallKeyEntity {
  return Object.assign(new InstallKeyEntity(), {
    kid: key.jwk.kid,
    installId,
    publicJwk: key.jwk,
    format: key.format,
    assurance: key.assurance,
    // jsonb: TypeORM's insert typing cannot express an arbitrary JSON object.
    evidence: key.evidence as InstallKeyEntity['evidence'],
    attestation: key.attestation,
    createdAt: now,
    retiredAt: null,
  });
}

/**
 * Installs and their keys. Every change runs in one transaction together with its audit entry; a
 * device key that is (or was) bound to any install violates install_keys' primary key, and the whole
 * change rolls back.
 */
@Injectable()
export class InstallsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly documents: DocumentCache,
  ) {}

  private async inTransaction<T>(work: (manager: EntityManager) => Promise<T>, kid?: string): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (kid && isUniqueViolation(error)) throw attestationErrors.keyAlreadyRegistered(kid);
      throw error;
    }
  }

  async documentRow(id: string): Promise<DocumentRow | undefined> {
    const rows: Array<{ profile_id: string; status: 'active' | 'deleted'; public_jwk: DevicePublicJwk }> = await this.dataSource.query(
      'SELECT profile_id, status, public_jwk FROM installs WHERE id = $1',
      [id],
    );
    return rows[0] && { profileId: rows[0].profile_id, status: rows[0].status, publicJwk: rows[0].public_jwk };
  }

  find(id: string): Promise<InstallEntity | null> {
    return this.dataSource.getRepository(InstallEntity).findOneBy({ id });
  }

  keys(installId: string): Promise<InstallKeyEntity[]> {
    return this.dataSource.getRepository(InstallKeyEntity).find({ where: { installId }, order: { createdAt: 'ASC' } });
  }

  async create(install: InstallEntity, key: AttestedKey): Promise<void> {
    await this.inTransaction(async (manager) => {
      // One statement for the install and its key (the registration hot path).
      await manager.query(
        `WITH install AS (
           INSERT INTO installs (id, profile_id, platform, status, format, assurance, kid, public_jwk, created_at)
           VALUES ($1, $2, $3, 'active', $4, $5, $6, $7::jsonb, $8) RETURNING id
         )
         INSERT INTO install_keys (kid, install_id, public_jwk, format, assurance, evidence, attestation, created_at)
         SELECT $6::text, id, $7::jsonb, $4::text, $5::text, $9::jsonb, $10::bytea, $8::timestamptz FROM install`,
        [install.id, install.profileId, install.platform, key.format, key.assurance, key.jwk.kid, JSON.stringify(key.jwk), install.createdAt, JSON.stringify(key.evidence), key.attestation],
      );
      await this.audit.record(
        {
          context: AUDIT_CONTEXT,
          actor: `device:${install.id}`,
          action: 'install.created',
          targetType: 'install',
          targetId: install.id,
          details: { profile_id: install.profileId, platform: install.platform, format: key.format, assurance: key.assurance, kid: key.jwk.kid, evidence: key.evidence },
        },
        manager,
      );
    }, key.jwk.kid);
  }

  /**
   * Replaces the current key, only if it is still `expectedKid` (compare-and-set: of two concurrent
   * rotations signed by the same key, one wins). Returns false when the install or key moved on.
   */
  async rotateKey(id: string, expectedKid: string, key: AttestedKey, now: Date): Promise<boolean> {
    this.documents.evict(id);
    const rotated = await this.inTransaction(async (manager) => {
      const updated = returnedRows<{ id: string }>(
        await manager.query(
          `UPDATE installs SET kid = $3, public_jwk = $4, format = $5, assurance = $6, key_rotated_at = $7
           WHERE id = $1 AND kid = $2 AND status = 'active' RETURNING id`,
          [id, expectedKid, key.jwk.kid, JSON.stringify(key.jwk), key.format, key.assurance, now],
        ),
      );
      if (updated.length === 0) return false;
      await manager.insert(InstallKeyEntity, keyRow(id, key, now));
      await manager.update(InstallKeyEntity, { kid: expectedKid }, { retiredAt: now });
      await this.audit.record(
        {
          context: AUDIT_CONTEXT,
          actor: `device:${id}`,
          action: 'install.key_rotated',
          targetType: 'install',
          targetId: id,
          details: { old_kid: expectedKid, new_kid: key.jwk.kid, format: key.format, assurance: key.assurance, evidence: key.evidence },
        },
        manager,
      );
      return true;
    }, key.jwk.kid);
    this.documents.evict(id);
    return rotated;
  }

  /** Marks one active install deleted; false when it is not active (unknown or already deleted). */
  async delete(id: string, by: DeletedBy, now: Date, expectedKid?: string): Promise<boolean> {
    this.documents.evict(id);
    const deleted = await this.inTransaction(async (manager) => {
      const deleted = await this.markDeleted(manager, `id = $3${expectedKid ? ' AND kid = $4' : ''}`, [by, now, id, ...(expectedKid ? [expectedKid] : [])]);
      if (deleted.length === 0) return false;
      await this.recordDeletion(manager, deleted[0], by, now, by === 'device' ? `device:${id}` : 'operator');
      return true;
    });
    this.documents.evict(id);
    return deleted;
  }

  /** Deletes every active install of a profile (also of a profile no longer configured). */
  async deleteProfile(profileId: string, now: Date): Promise<number> {
    const count = await this.inTransaction(async (manager) => {
      const deleted = await this.markDeleted(manager, 'profile_id = $3', ['operator', now, profileId]);
      for (const row of deleted) await this.recordDeletion(manager, row, 'operator', now, 'operator', 'profile purge');
      await this.audit.record(
        { context: AUDIT_CONTEXT, actor: 'operator', action: 'profile.installs_deleted', targetType: 'profile', targetId: profileId, details: { count: deleted.length } },
        manager,
      );
      return deleted.length;
    });
    this.documents.clear();
    return count;
  }

  private async markDeleted(manager: EntityManager, where: string, parameters: unknown[]): Promise<Array<{ id: string; kid: string; profile_id: string }>> {
    return returnedRows(
      await manager.query(
        `UPDATE installs SET status = 'deleted', deleted_by = $1, deleted_at = $2 WHERE status = 'active' AND ${where} RETURNING id, kid, profile_id`,
        parameters,
      ),
    );
  }

  private async recordDeletion(
    manager: EntityManager,
    row: { id: string; kid: string; profile_id: string },
    by: DeletedBy,
    now: Date,
    actor: string,
    reason?: string,
  ): Promise<void> {
    await manager.update(InstallKeyEntity, { kid: row.kid }, { retiredAt: now });
    await this.audit.record(
      { context: AUDIT_CONTEXT, actor, action: 'install.deleted', targetType: 'install', targetId: row.id, details: { by, profile_id: row.profile_id, kid: row.kid, reason } },
      manager,
    );
  }
}
