import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthCore1795314000000 implements MigrationInterface {
  name = 'OAuthCore1795314000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // User ids are opaque and never URLs, so a client_id can't be confused with a sub (BCP section 4.15.1).
    await queryRunner.query(`
      CREATE TABLE users (
        id text PRIMARY KEY CHECK (id LIKE 'usr\\_%'),
        username text NOT NULL,
        password_hash text NOT NULL,
        display_name text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX users_username ON users (lower(username))');
    await queryRunner.query(`
      CREATE TABLE user_sessions (
        id_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        auth_time timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX user_sessions_user ON user_sessions (user_id)');
    await queryRunner.query(`
      CREATE TABLE authorization_interactions (
        id_hash text PRIMARY KEY,
        client_id text NOT NULL,
        request jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE consents (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        resource text NOT NULL,
        scopes jsonb NOT NULL,
        granted_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, client_id, resource)
      )`);
    await queryRunner.query(`
      CREATE TABLE grants (
        id uuid PRIMARY KEY,
        client_id text NOT NULL,
        user_id text REFERENCES users (id) ON DELETE CASCADE,
        scopes jsonb NOT NULL,
        resources jsonb NOT NULL,
        auth_method text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query('CREATE INDEX grants_client ON grants (client_id)');
    await queryRunner.query('CREATE INDEX grants_user ON grants (user_id)');
    await queryRunner.query(`
      CREATE TABLE authorization_codes (
        code_hash text PRIMARY KEY,
        grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        user_id text NOT NULL,
        redirect_uri text NOT NULL,
        code_challenge text,
        scopes jsonb NOT NULL,
        resources jsonb NOT NULL,
        auth_time timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at)');
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        token_hash text PRIMARY KEY,
        grant_id uuid NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
        client_id text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id)');
    await queryRunner.query(`
      CREATE TABLE client_assertion_jtis (
        client_id text NOT NULL,
        jti_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti_hash)
      )`);
    await queryRunner.query('CREATE INDEX client_assertion_jtis_expires ON client_assertion_jtis (expires_at)');
    await queryRunner.query(`
      CREATE TABLE revoked_access_tokens (
        jti text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'revoked_access_tokens',
      'client_assertion_jtis',
      'refresh_tokens',
      'authorization_codes',
      'grants',
      'consents',
      'authorization_interactions',
      'user_sessions',
      'users',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
