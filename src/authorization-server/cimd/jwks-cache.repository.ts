import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JWK } from 'jose';

export interface JwksCacheRow {
  readonly jwksUri: string;
  readonly keys: JWK[];
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly responseHeaders: Record<string, string>;
  readonly fetchedAt: Date;
  readonly expiresAt: Date;
}

/** The shared cache of keys fetched from jwks_uri (one row per URI). */
@Injectable()
export class JwksCacheRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(jwksUri: string): Promise<JwksCacheRow | undefined> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      'SELECT jwks_uri, keys, etag, last_modified, response_headers, fetched_at, expires_at FROM cimd_jwks_cache WHERE jwks_uri = $1',
      [jwksUri],
    );
    const raw = rows[0];
    if (!raw) return undefined;
    return {
      jwksUri: raw.jwks_uri as string,
      keys: raw.keys as JWK[],
      etag: (raw.etag as string | null) ?? null,
      lastModified: (raw.last_modified as string | null) ?? null,
      responseHeaders: raw.response_headers as Record<string, string>,
      fetchedAt: new Date(raw.fetched_at as string),
      expiresAt: new Date(raw.expires_at as string),
    };
  }

  async save(row: JwksCacheRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO cimd_jwks_cache (jwks_uri, keys, etag, last_modified, response_headers, fetched_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (jwks_uri) DO UPDATE SET keys = $2, etag = $3, last_modified = $4, response_headers = $5, fetched_at = $6, expires_at = $7`,
      [row.jwksUri, JSON.stringify(row.keys), row.etag, row.lastModified, JSON.stringify(row.responseHeaders), row.fetchedAt, row.expiresAt],
    );
  }

  async forget(jwksUri: string): Promise<void> {
    await this.dataSource.query('DELETE FROM cimd_jwks_cache WHERE jwks_uri = $1', [jwksUri]);
  }
}
