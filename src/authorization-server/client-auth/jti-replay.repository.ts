import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';

const CLEANUP_EVERY_MS = 60_000;

/**
 * Client-assertion jti values, single-use across every replica until they expire: one atomic insert
 * against a unique key (client_id, jti); a row that already expired may be reclaimed in the same statement.
 */
@Injectable()
export class JtiReplayRepository {
  private lastCleanup = 0;

  constructor(private readonly dataSource: DataSource) {}

  /** True when this (client, jti) was not seen before (and is now recorded until expiresAt). */
  async consume(clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO client_assertion_jtis (client_id, jti_hash, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (client_id, jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at
       WHERE client_assertion_jtis.expires_at < $4
       RETURNING 1`,
      [clientId, sha256Base64Url(jti), expiresAt, now],
    );
    this.cleanupSometimes(now);
    return rows.length === 1;
  }

  private cleanupSometimes(now: Date): void {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    this.dataSource.query('DELETE FROM client_assertion_jtis WHERE expires_at < $1', [now]).catch(() => undefined);
  }
}
