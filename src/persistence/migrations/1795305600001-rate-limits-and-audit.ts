import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RateLimitsAndAudit1795305600001 implements MigrationInterface {
  name = 'RateLimitsAndAudit1795305600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Counters are cheap to lose on a crash, so they skip the write-ahead log.
    await queryRunner.query(`
      CREATE UNLOGGED TABLE rate_limit_counters (
        bucket text NOT NULL,
        key_hash text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (bucket, key_hash, window_start)
      )`);
    await queryRunner.query('CREATE INDEX rate_limit_counters_window_end ON rate_limit_counters (window_end)');
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        context text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        request_id text
      )`);
    await queryRunner.query('CREATE INDEX audit_log_target ON audit_log (target_type, target_id)');
    await queryRunner.query('CREATE INDEX audit_log_at ON audit_log (at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_log');
    await queryRunner.query('DROP TABLE rate_limit_counters');
  }
}
