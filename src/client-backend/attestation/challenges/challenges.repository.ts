import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../../persistence/returned-rows.js';

export interface StoredChallenge {
  readonly profileId: string;
  readonly platform: string;
  readonly expiresAt: Date;
}

/** Attestation challenges, stored as SHA-256 hashes only. */
@Injectable()
export class ChallengesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(hash: string, profileId: string, platform: string, createdAt: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO attestation_challenges (challenge_hash, profile_id, platform, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [hash, profileId, platform, createdAt, expiresAt],
    );
  }

  /** Deletes and returns the challenge in one statement: of concurrent callers, exactly one gets it. */
  async consume(hash: string): Promise<StoredChallenge | undefined> {
    const rows = returnedRows<{ profile_id: string; platform: string; expires_at: Date }>(
      await this.dataSource.query('DELETE FROM attestation_challenges WHERE challenge_hash = $1 RETURNING profile_id, platform, expires_at', [hash]),
    );
    const row = rows[0];
    return row && { profileId: row.profile_id, platform: row.platform, expiresAt: new Date(row.expires_at) };
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM attestation_challenges WHERE expires_at < $1', [now]);
  }
}
