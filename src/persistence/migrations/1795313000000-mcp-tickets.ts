import type { MigrationInterface, QueryRunner } from 'typeorm';

export class McpTickets1795313000000 implements MigrationInterface {
  name = 'McpTickets1795313000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mcp_tickets (
        id uuid PRIMARY KEY,
        owner_sub text NOT NULL,
        client_id text NOT NULL,
        title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
        body text NOT NULL CHECK (char_length(body) <= 4000),
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        resolution text CHECK (resolution IS NULL OR char_length(resolution) <= 1000),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz
      )`);
    // Every query is per owner, newest first (keyset pagination on created_at, id).
    await queryRunner.query('CREATE INDEX mcp_tickets_owner_created ON mcp_tickets (owner_sub, created_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE mcp_tickets');
  }
}
