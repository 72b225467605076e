import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Clients1795312000000 implements MigrationInterface {
  name = 'Clients1795312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Registered (DCR) clients and the shared cache of CIMD documents, one row per client_id, so one
    // indexed read answers "who is this client" for every replica.
    await queryRunner.query(`
      CREATE TABLE as_clients (
        client_id text PRIMARY KEY,
        source text NOT NULL CHECK (source IN ('cimd', 'dcr')),
        metadata jsonb NOT NULL,
        secret_hash text,
        secret_expires_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        fetched_at timestamptz,
        expires_at timestamptz,
        etag text,
        last_modified text,
        response_headers jsonb,
        cache_source text,
        last_error text,
        last_error_at timestamptz,
        last_used_at timestamptz,
        CHECK (source = 'dcr' OR (fetched_at IS NOT NULL AND expires_at IS NOT NULL))
      )`);
    await queryRunner.query('CREATE INDEX as_clients_source ON as_clients (source, client_id)');
    // Blocks outlive cache entries and deletions: deleting a client never bans it, blocking does.
    await queryRunner.query(`
      CREATE TABLE as_client_blocks (
        client_id text PRIMARY KEY,
        blocked_at timestamptz NOT NULL,
        blocked_by text NOT NULL,
        reason text NOT NULL
      )`);
    // Keys fetched from jwks_uri, shared by replicas and by every client naming the same URI.
    await queryRunner.query(`
      CREATE TABLE cimd_jwks_cache (
        jwks_uri text PRIMARY KEY,
        keys jsonb NOT NULL,
        etag text,
        last_modified text,
        response_headers jsonb NOT NULL,
        fetched_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE cimd_jwks_cache');
    await queryRunner.query('DROP TABLE as_client_blocks');
    await queryRunner.query('DROP TABLE as_clients');
  }
}
