import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/demo.js';
import { runNode } from '../support/processes.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

/** Short cache bounds, so the deleted document is noticed within about a second. */
const FAST_REVOCATION = { BACKEND_DOCUMENT_MAX_AGE: '1', CIMD_CACHE_MIN: '0', CIMD_MEMORY_CACHE_TTL: '0' };

describe('the demo and the device simulator as an MCP client app', () => {
  let system: TestSystem;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'acimd-demo-'));
    system = await startTestSystem({ env: { DATA_DIR: dataDir, ...FAST_REVOCATION } });
  });

  afterAll(() => system.stop());

  it('plays the whole story: attested install, private_key_jwt tokens, MCP call, operator deletion refuses that install only', async () => {
    const lines: Array<[string, string]> = [];
    await runDemo(
      {
        mcpUrl: system.config.mcpResource.resource,
        backendUrl: system.url['client-backend'],
        dataDir,
        backendAdminToken: 'dev-backend-admin-token',
        username: 'demo',
        password: 'demo-password',
        revocationTimeoutMs: 20_000,
      },
      (step, line) => lines.push([step, line]),
    );
    expect(lines.map(([step]) => step)).toEqual(['register', 'register', 'document', 'discover', 'authorize', 'token', 'mcp', 'revoke', 'refresh', 'authorize', 'sibling']);
    const text = lines.map(([, line]) => line).join('\n');
    expect(text).toMatch(/assurance hardware/);
    expect(text).toMatch(/token_endpoint_auth_method private_key_jwt/);
    expect(text).toMatch(/private_key_jwt accepted/);
    expect(text).toMatch(/1 ticket\(s\)/);
    expect(text).toMatch(/document now answers 410/);
    expect(text).toMatch(/refused after [\d.]+ s: invalid_client/);
    expect(text).toMatch(/registration no longer exists/);
  });

  describe('npm run device -- token | call | refresh', () => {
    const run = (args: string[]) => runNode('dist/src/cli/device.js', {}, { args }).exited;
    let common: string[];
    let mcp: string[];

    beforeAll(() => {
      common = ['--state', join(dataDir, 'cli-device.json'), '--backend', system.url['client-backend'], '--data-dir', dataDir];
      mcp = ['--mcp', system.config.mcpResource.resource];
    });

    it('refuses call before token, with a usage error (exit 2)', async () => {
      expect((await run(['register', ...common])).code).toBe(0);
      const early = await run(['call', ...common, '--tool', 'list_tickets']);
      expect(early.code).toBe(2);
      expect(early.stderr).toMatch(/run `npm run device -- token` first/);
    });

    it('gets tokens with private_key_jwt, calls tools, refreshes, and reports a missing scope plainly', async () => {
      const token = await run(['token', ...common, ...mcp]);
      expect(token.stderr).toMatch(/access token for .*\/mcp \(scope "mcp:tickets:read"/);
      expect(token.code).toBe(0);
      expect(token.stdout.trim().split('.')).toHaveLength(3);

      const denied = await run(['call', ...common, '--tool', 'create_ticket', '--args', '{"title":"x"}']);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/the MCP server answered 403: The access token lacks the scope this operation needs: mcp:tickets:write/);
      expect(denied.stderr).not.toMatch(/\n\s+at /);

      expect((await run(['token', ...common, ...mcp, '--scope', 'mcp:tickets:read mcp:tickets:write'])).code).toBe(0);
      const created = await run(['call', ...common, '--tool', 'create_ticket', '--args', '{"title":"From the CLI"}']);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/From the CLI/);
      const before = JSON.parse(readFileSync(join(dataDir, 'cli-device.json'), 'utf8')).session.refresh_token;
      const refreshed = await run(['refresh', ...common]);
      expect(refreshed.code).toBe(0);
      expect(JSON.parse(readFileSync(join(dataDir, 'cli-device.json'), 'utf8')).session.refresh_token).not.toBe(before);
      const listed = await run(['call', ...common, '--tool', 'list_tickets']);
      expect(listed.stdout).toMatch(/From the CLI/);
    });

    it('keeps refreshing after the device rotates its key (the AS refetches the document on the unknown kid)', async () => {
      expect((await run(['rotate', ...common])).code).toBe(0);
      const refreshed = await run(['refresh', ...common]);
      expect(refreshed.stderr).toMatch(/refreshed/);
      expect(refreshed.code).toBe(0);
    });
  });
});
