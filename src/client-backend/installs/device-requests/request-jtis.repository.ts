import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** jti values of device-signed requests, kept (hashed) until they expire. */
@Injectable()
export class RequestJtisRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the jti; false when this install already used it (the primary key makes this atomic). */
  async recordOnce(installId: string, jtiHash: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'INSERT INTO install_request_jtis (install_id, jti_hash, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING jti_hash',
      [installId, jtiHash, expiresAt],
    );
    return rows.length === 1;
  }

  async deleteExpired(now: Date): Promise<void> {
    await this.dataSource.query('DELETE FROM install_request_jtis WHERE expires_at < $1', [now]);
  }
}
