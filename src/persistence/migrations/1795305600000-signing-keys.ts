import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SigningKeys1795305600000 implements MigrationInterface {
  name = 'SigningKeys1795305600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE as_signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
        public_jwk jsonb NOT NULL,
        private_key_ciphertext bytea NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'retired')),
        created_at timestamptz NOT NULL,
        retired_at timestamptz,
        publish_until timestamptz
      )`);
    // At most one key signs at any time, even when replicas start or rotate concurrently.
    await queryRunner.query(`CREATE UNIQUE INDEX as_signing_keys_one_active ON as_signing_keys (status) WHERE status = 'active'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE as_signing_keys');
  }
}
