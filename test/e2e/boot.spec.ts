import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { freePort, runNode, waitForHttp } from '../support/processes.js';
import { MAIN } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_KEK } from '../support/test-system.js';

const usePostgres = Boolean(process.env.DATABASE_URL);

describe('booting the built service', () => {
  it('stops on a bad value with one line naming the setting, and exit code 1', async () => {
    const result = await runNode(MAIN, { AS_PORT: 'eighty' }).exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Configuration error: AS_PORT must be an integer from 0 to 65535 (got "eighty")\n');
    expect(result.stdout).toBe('');
  });

  it('refuses to boot in production with a development-only switch on, and names it', async () => {
    const result = await runNode(MAIN, {
      MODE: 'production',
      AS_ISSUER: 'https://as.example.com',
      BACKEND_PUBLIC_URL: 'https://apps.example.com',
      MCP_PUBLIC_URL: 'https://mcp.example.com',
      AS_KEY_ENCRYPTION_KEY: TEST_KEK,
      AS_DEV_GENERATE_KEK: 'on',
    }).exited;
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Configuration error: AS_DEV_GENERATE_KEK is a development-only switch and MODE=production refuses to start with it on',
    ]);
  });

  describe(`all three roles on ${usePostgres ? 'PostgreSQL' : 'PGlite'}`, () => {
    let database: TestDatabase | undefined;
    const env: Record<string, string> = { LOG_LEVEL: 'info', AS_KEY_ENCRYPTION_KEY: TEST_KEK };

    beforeAll(async () => {
      const [as, backend, mcp] = [await freePort(), await freePort(), await freePort()];
      Object.assign(env, {
        AS_PORT: String(as),
        AS_ISSUER: `http://localhost:${as}`,
        BACKEND_PORT: String(backend),
        BACKEND_PUBLIC_URL: `http://localhost:${backend}`,
        MCP_PORT: String(mcp),
        MCP_PUBLIC_URL: `http://localhost:${mcp}`,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'acimd-boot-')),
      });
      if (usePostgres) {
        database = await createTestDatabase();
        env.DATABASE_URL = database.url!;
      }
    });

    afterAll(() => database?.close());

    it('serves AS metadata, all health endpoints, then shuts down cleanly on SIGTERM; a rotated key is published beside the old one', async () => {
      const first = runNode(MAIN, env);
      const as = `http://127.0.0.1:${env.AS_PORT}`;
      await waitForHttp(`${as}/.well-known/oauth-authorization-server`, 20_000, first.exited);
      const metadata = (await (await fetch(`${as}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
      expect(metadata.issuer).toBe(env.AS_ISSUER);
      // Readiness (database reachable within its bound) may take a moment on a loaded machine.
      for (const port of [env.AS_PORT, env.BACKEND_PORT, env.MCP_PORT]) {
        await waitForHttp(`http://127.0.0.1:${port}/readyz`, 20_000, first.exited);
      }
      const before = ((await (await fetch(`${as}/jwks`)).json()) as { keys: JWK[] }).keys;
      expect(before).toHaveLength(1);

      if (!usePostgres) {
        // The embedded database belongs to one process at a time.
        const second = await runNode(MAIN, { ...env, AS_PORT: '0', BACKEND_PORT: '0', MCP_PORT: '0' }).exited;
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/^Configuration error: DATA_DIR .* is in use by process \d+/);
      }

      first.child.kill('SIGTERM');
      const stopped = await first.exited;
      expect(stopped.code).toBe(0);
      const lines = stopped.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['ready', 'shutting down', 'stopped']));
      expect(stopped.stderr).toBe('');

      const rotated = await runNode('dist/src/cli/keys-rotate.js', env).exited;
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toMatch(new RegExp(`^New signing key \\S+ is active\\. Previous key ${before[0].kid} stays published until `));

      const again = runNode(MAIN, env);
      try {
        await waitForHttp(`${as}/jwks`, 20_000, again.exited);
        const after = ((await (await fetch(`${as}/jwks`)).json()) as { keys: JWK[] }).keys.map((key) => key.kid);
        expect(after).toHaveLength(2);
        expect(after[1]).toBe(before[0].kid);
      } finally {
        again.child.kill('SIGTERM');
        expect((await again.exited).code).toBe(0);
      }
    });
  });
});
