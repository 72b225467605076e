import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsersRepository } from '../../src/authorization-server/users/users.repository.js';
import { verifyPassword } from '../../src/authorization-server/users/password-hasher.js';
import { openDatabase } from '../../src/persistence/database.js';
import { TEST_DATABASE_CONFIG, createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { runNode } from '../support/processes.js';

function createUser(args: string[], input: string, env: Record<string, string>) {
  return runNode('dist/src/cli/users-create.js', env, { args, input }).exited;
}

describe('users:create command', () => {
  let database: TestDatabase | undefined;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    } else {
      env.DATA_DIR = mkdtempSync(join(tmpdir(), 'acimd-users-'));
    }
  });

  afterAll(() => database?.close());

  it('creates a user whose password is stored only as a memory-hard hash', async () => {
    const result = await createUser(['bob', '--display-name', 'Bob B.'], 'a long enough password\n', env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created user bob \(usr_[A-Za-z0-9_-]+\)\.\n$/);
    const opened = database ?? (await openDatabase({ ...TEST_DATABASE_CONFIG, dataDir: env.DATA_DIR }));
    try {
      const user = await new UsersRepository(opened.dataSource).findByUsername('BOB');
      expect(user?.displayName).toBe('Bob B.');
      expect(user?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(await verifyPassword('a long enough password', user!.passwordHash)).toBe(true);
    } finally {
      if (!database) await opened.close();
    }
  });

  it.each<[string, string[], string, RegExp]>([
    ['a taken username (any case)', ['Bob'], 'another long password\n', /The username Bob is taken/],
    ['a short password', ['carol'], 'short\n', /A password has 8 to 1024 characters/],
    ['a bad username', ['carol smith'], 'a long enough password\n', /A username is 1 to 64/],
    ['no username', [], 'a long enough password\n', /^users:create failed: usage:/],
  ])('refuses %s with one line and exit code 1', async (_name, args, input, message) => {
    const result = await createUser(args, input, env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
