import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe(`persistence on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.dataSource.query(`
      CREATE TABLE probe (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        label text NOT NULL UNIQUE,
        counter bigint NOT NULL DEFAULT 9007199254740993,
        blob bytea,
        doc jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now(),
        flag boolean NOT NULL DEFAULT false
      )`);
  });

  afterAll(() => database.close());

  it('isolates concurrent transactions: a rolled-back row is absent while the other commits', async () => {
    const failing = database.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO probe (label) VALUES ('rolled-back')`);
      await sleep(100);
      throw new Error('roll back');
    });
    const committing = (async () => {
      await sleep(20);
      await database.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO probe (label) VALUES ('committed')`);
      });
    })();
    await expect(failing).rejects.toThrow('roll back');
    await committing;
    const rows: Array<{ label: string }> = await database.dataSource.query(
      `SELECT label FROM probe WHERE label IN ('rolled-back', 'committed') ORDER BY label`,
    );
    expect(rows.map((row) => row.label)).toEqual(['committed']);
  });

  it('returns the same JS types as pg: bigint as string, bytea as Buffer, jsonb as object, timestamptz as Date', async () => {
    await database.dataSource.query(`INSERT INTO probe (label, blob, doc, flag) VALUES ($1, $2, $3, $4)`, [
      'types',
      Buffer.from([0, 1, 2, 255]),
      JSON.stringify({ nested: { list: [1, 'two'] } }),
      true,
    ]);
    const [row] = await database.dataSource.query(`SELECT * FROM probe WHERE label = 'types'`);
    expect(row.counter).toBe('9007199254740993');
    expect(Buffer.isBuffer(row.blob)).toBe(true);
    expect([...row.blob]).toEqual([0, 1, 2, 255]);
    expect(row.doc).toEqual({ nested: { list: [1, 'two'] } });
    expect(row.at).toBeInstanceOf(Date);
    expect(row.flag).toBe(true);
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reports affected rows of UPDATE and DELETE, and unique violations as 23505', async () => {
    await database.dataSource.query(`INSERT INTO probe (label) VALUES ('count-a'), ('count-b')`);
    const updated = await database.dataSource
      .createQueryBuilder()
      .update('probe')
      .set({ flag: true })
      .where(`label LIKE 'count-%'`)
      .execute();
    expect(updated.affected).toBe(2);
    const deleted = await database.dataSource.createQueryBuilder().delete().from('probe').where(`label = 'count-a'`).execute();
    expect(deleted.affected).toBe(1);
    await expect(database.dataSource.query(`INSERT INTO probe (label) VALUES ('count-b')`)).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23505' }),
    });
  });

  it('keeps a failed statement inside its transaction from leaking into the next one', async () => {
    await expect(
      database.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO probe (label) VALUES ('inside')`);
        await manager.query(`SELECT * FROM no_such_table`);
      }),
    ).rejects.toThrow();
    const rows = await database.dataSource.query(`SELECT label FROM probe WHERE label = 'inside'`);
    expect(rows).toEqual([]);
  });

  it('has applied every migration and never synchronises the schema', async () => {
    const applied: Array<{ name: string }> = await database.dataSource.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(applied.map((row) => row.name)).toEqual(database.dataSource.migrations.map((migration) => migration.name));
    expect(database.dataSource.options.synchronize).toBe(false);
    expect(await database.dataSource.showMigrations()).toBe(false);
  });
});
