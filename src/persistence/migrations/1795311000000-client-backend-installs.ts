import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientBackendInstalls1795311000000 implements MigrationInterface {
  name = 'ClientBackendInstalls1795311000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Single-use attestation challenges, stored hashed; consumed with one DELETE ... RETURNING.
    await queryRunner.query(`
      CREATE TABLE attestation_challenges (
        challenge_hash text PRIMARY KEY,
        profile_id text NOT NULL,
        platform text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX attestation_challenges_expires_at ON attestation_challenges (expires_at)');
    // A deleted install keeps its row (status deleted), so its id is never reused and its document answers 410.
    await queryRunner.query(`
      CREATE TABLE installs (
        id text PRIMARY KEY,
        profile_id text NOT NULL,
        platform text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'deleted')),
        format text NOT NULL,
        assurance text NOT NULL,
        kid text NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        key_rotated_at timestamptz,
        deleted_at timestamptz,
        deleted_by text,
        CONSTRAINT installs_deleted_consistent CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
      )`);
    await queryRunner.query('CREATE INDEX installs_created ON installs (created_at, id)');
    await queryRunner.query('CREATE INDEX installs_profile_created ON installs (profile_id, created_at, id)');
    // Every key ever bound to an install: the primary key makes a device key usable by one install only, ever.
    await queryRunner.query(`
      CREATE TABLE install_keys (
        kid text PRIMARY KEY,
        install_id text NOT NULL CONSTRAINT install_keys_install_fk REFERENCES installs (id),
        public_jwk jsonb NOT NULL,
        format text NOT NULL,
        assurance text NOT NULL,
        evidence jsonb NOT NULL,
        attestation bytea NOT NULL,
        created_at timestamptz NOT NULL,
        retired_at timestamptz
      )`);
    await queryRunner.query('CREATE INDEX install_keys_install ON install_keys (install_id, created_at)');
    // jti values of device-signed requests, single use until they expire.
    await queryRunner.query(`
      CREATE TABLE install_request_jtis (
        install_id text NOT NULL,
        jti_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (install_id, jti_hash)
      )`);
    await queryRunner.query('CREATE INDEX install_request_jtis_expires_at ON install_request_jtis (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE install_request_jtis');
    await queryRunner.query('DROP TABLE install_keys');
    await queryRunner.query('DROP TABLE installs');
    await queryRunner.query('DROP TABLE attestation_challenges');
  }
}
