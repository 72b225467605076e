import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A registered (DCR) client, or a cached CIMD document: one row per client_id. */
@Entity({ name: 'as_clients' })
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ type: 'text' })
  source: 'cimd' | 'dcr';

  /** DCR: the registered metadata. CIMD: the document as fetched, evaluated again on every load. */
  @Column({ type: 'jsonb' })
  metadata: Record<string, unknown>;

  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  @Column({ name: 'secret_expires_at', type: 'timestamptz', nullable: true })
  secretExpiresAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'fetched_at', type: 'timestamptz', nullable: true })
  fetchedAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'text', nullable: true })
  etag: string | null;

  @Column({ name: 'last_modified', type: 'text', nullable: true })
  lastModified: string | null;

  @Column({ name: 'response_headers', type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  @Column({ name: 'cache_source', type: 'text', nullable: true })
  cacheSource: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_error_at', type: 'timestamptz', nullable: true })
  lastErrorAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}

/** An operator's block on a client_id; reversible, and independent of any cached or registered row. */
@Entity({ name: 'as_client_blocks' })
export class ClientBlockEntity {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'blocked_at', type: 'timestamptz' })
  blockedAt: Date;

  @Column({ name: 'blocked_by', type: 'text' })
  blockedBy: string;

  @Column({ type: 'text' })
  reason: string;
}

/** Keys fetched from a jwks_uri, with their HTTP validators and freshness. */
@Entity({ name: 'cimd_jwks_cache' })
export class JwksCacheEntity {
  @PrimaryColumn({ name: 'jwks_uri', type: 'text' })
  jwksUri: string;

  @Column({ type: 'jsonb' })
  keys: Record<string, unknown>[];

  @Column({ type: 'text', nullable: true })
  etag: string | null;

  @Column({ name: 'last_modified', type: 'text', nullable: true })
  lastModified: string | null;

  @Column({ name: 'response_headers', type: 'jsonb' })
  responseHeaders: Record<string, string>;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
