import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientResolutionError, ClientResolver } from '../../src/authorization-server/clients/client.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { installLike, PUBLIC_EC_JWK, vscodeLike } from '../fixtures/client-documents.js';
import { DocumentHost } from '../support/document-host.js';
import { rejectionOf } from '../support/rejection.js';
import { createTestCa } from '../support/test-ca.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(promise, ClientResolutionError);
  return `${error.reason}: ${error.message}`;
}

describe('trust and metadata policy in a running AS', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  let host: DocumentHost;
  let system: TestSystem;
  let resolver: ClientResolver;

  beforeAll(async () => {
    host = await DocumentHost.start();
    system = await startTestSystem({
      roles: ['authorization-server'],
      clock,
      env: {
        CIMD_TRUST_MODE: 'allowlist',
        CIMD_TRUST_RULES: JSON.stringify([
          { match: `${host.origin}/trusted/`, cache_max: 60, metadata_policy: { scope: { default: 'mcp:tickets:read' } } },
          { match: `${host.origin}/confidential/`, require_private_key_jwt: true },
        ]),
        CIMD_DENY: `${host.origin}/trusted/banned/`,
        CIMD_METADATA_POLICY: JSON.stringify({ grant_types: { subset_of: ['authorization_code', 'refresh_token'] } }),
      },
    });
    resolver = system.system.app('authorization-server').get(ClientResolver);
  });

  afterAll(async () => {
    await system.stop();
    await host.stop();
  });

  it('admits an allowlisted client with the rule metadata policy and the rule cache maximum', async () => {
    const id = host.url('/trusted/a/client.json');
    host.json('/trusted/a/client.json', vscodeLike(id, `${host.origin}/trusted`), { headers: { 'Cache-Control': 'max-age=3600' } });
    const client = await resolver.resolve(id);
    expect(client).toMatchObject({ trustRule: `${host.origin}/trusted/`, metadata: { scope: 'mcp:tickets:read' } });
    expect(client.expiresAt!.getTime() - client.fetchedAt!.getTime()).toBe(60_000);
  });

  it.each([
    ['a client_id outside the allowlist', '/elsewhere/client.json', 'untrusted: the client_id matches no allowlist entry'],
    ['a denylisted client_id under a trusted prefix', '/trusted/banned/client.json', 'untrusted: the client_id matches the denylist entry'],
  ])('refuses %s without fetching it', async (_name, path, expected) => {
    host.json(path, vscodeLike(host.url(path), host.origin));
    expect(await reason(resolver.resolve(host.url(path)))).toContain(expected);
    expect(host.count(path)).toBe(0);
  });

  it('refuses a trusted document whose URL fields point elsewhere', async () => {
    const id = host.url('/trusted/b/client.json');
    host.json('/trusted/b/client.json', { ...vscodeLike(id, `${host.origin}/trusted`), logo_uri: 'https://tracker.example/pixel.png' });
    expect(await reason(resolver.resolve(id))).toContain('trust policy (URL fields): logo_uri https://tracker.example/pixel.png is outside the allowlist');
  });

  it('admits only private_key_jwt clients under a rule that requires it', async () => {
    const publicId = host.url('/confidential/public/client.json');
    host.json('/confidential/public/client.json', { ...vscodeLike(publicId, host.origin), redirect_uris: ['http://127.0.0.1/cb'], client_uri: undefined, logo_uri: undefined });
    expect(await reason(resolver.resolve(publicId))).toContain('trust rule requires private_key_jwt');
    const confidentialId = host.url('/confidential/install/client.json');
    host.json('/confidential/install/client.json', { ...installLike(confidentialId, PUBLIC_EC_JWK), redirect_uris: ['http://127.0.0.1/callback'] });
    await expect(resolver.resolve(confidentialId)).resolves.toMatchObject({ confidential: true });
  });
});

describe('the https path through the AS, with a test CA (FETCH_CA_FILE)', () => {
  it('resolves a document from a loopback https host whose certificate the injected CA signed', async () => {
    const ca = await createTestCa();
    const host = await DocumentHost.start({ tls: await ca.issue(['localhost'], ['127.0.0.1']) });
    const dir = mkdtempSync(join(tmpdir(), 'acimd-ca-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    const system = await startTestSystem({ roles: ['authorization-server'], env: { FETCH_CA_FILE: join(dir, 'ca.pem') } });
    const untrusting = await startTestSystem({ roles: ['authorization-server'], database: system.database });
    try {
      const id = host.url('/x/client.json');
      host.json('/x/client.json', vscodeLike(id, host.origin));
      const resolver = system.system.app('authorization-server').get(ClientResolver);
      await expect(resolver.resolve(id)).resolves.toMatchObject({ clientId: id, source: 'cimd' });
      // Without the CA the same document is refused: certificate validation stays on.
      await system.database.dataSource.query('DELETE FROM as_clients');
      const other = untrusting.system.app('authorization-server').get(ClientResolver);
      expect(await reason(other.resolve(id))).toContain('tls_failed');
    } finally {
      await untrusting.stop();
      await system.stop();
      await host.stop();
    }
  });
});

describe('AS metadata contributions', () => {
  it('advertises CIMD support, the registration endpoint, and the secret methods DCR clients may use', async () => {
    const system = await startTestSystem({ roles: ['authorization-server'] });
    try {
      const document = (await (await fetch(`${system.url['authorization-server']}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(document.client_id_metadata_document_supported).toBe(true);
      expect(document.registration_endpoint).toBe(`${system.config.authorizationServer.issuer}/register`);
      expect(document.token_endpoint_auth_methods_supported).toEqual(['none', 'private_key_jwt', 'client_secret_basic', 'client_secret_post']);
    } finally {
      await system.stop();
    }
  });

  it('advertises neither when CIMD and DCR are switched off, and /register answers 404', async () => {
    const system = await startTestSystem({ roles: ['authorization-server'], env: { CIMD_ENABLED: 'false', DCR_ENABLED: 'false' } });
    try {
      const as = system.url['authorization-server'];
      const document = (await (await fetch(`${as}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(document).not.toHaveProperty('client_id_metadata_document_supported');
      expect(document).not.toHaveProperty('registration_endpoint');
      // Without DCR (and no configured client with a secret) no client can hold a shared secret.
      expect(document.token_endpoint_auth_methods_supported).toEqual(['none', 'private_key_jwt']);
      const response = await fetch(`${as}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(404);
      const resolver = system.system.app('authorization-server').get(ClientResolver);
      expect(await reason(resolver.resolve('https://apps.example.com/c.json'))).toContain('CIMD_ENABLED=false');
    } finally {
      await system.stop();
    }
  });
});
