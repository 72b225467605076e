import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify, SignJWT, type JWK } from 'jose';
import { SigningKeysService } from '../../src/authorization-server/keys/signing-keys.service.js';
import { rotateSigningKey } from '../../src/authorization-server/keys/signing-key-rotation.js';
import { SigningKeysRepository } from '../../src/authorization-server/keys/signing-keys.repository.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { startTestSystem, TEST_KEK, type TestSystem } from '../support/test-system.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** RFC 8414 section 2 and 3.3 checks a strict client makes on the document. */
function expectValidMetadata(document: Record<string, unknown>, issuer: string, requireHttps: boolean): void {
  expect(document.issuer).toBe(issuer);
  const issuerUrl = new URL(document.issuer as string);
  expect(issuerUrl.search).toBe('');
  expect(issuerUrl.hash).toBe('');
  for (const [name, value] of Object.entries(document)) {
    if (name.endsWith('_endpoint') || name.endsWith('_uri')) {
      expect(typeof value).toBe('string');
      const url = new URL(value as string);
      if (requireHttps) expect(url.protocol).toBe('https:');
      expect((value as string).startsWith(`${issuer}/`)).toBe(true);
    }
    if (name.endsWith('_supported') && Array.isArray(value)) {
      expect(value.length).toBeGreaterThan(0);
      for (const item of value) expect(typeof item).toBe('string');
    }
  }
  expect(document.token_endpoint_auth_signing_alg_values_supported ?? []).not.toContain('none');
}

describe('AS discovery and signing keys', () => {
  let system: TestSystem;
  let as: string;

  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['authorization-server'], clock });
    as = system.url['authorization-server'];
  });

  afterAll(() => system.stop());

  it('serves RFC 8414 metadata whose issuer is the configured string, at both well-known locations', async () => {
    const response = await fetch(`${as}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const document = (await response.json()) as Record<string, unknown>;
    expectValidMetadata(document, system.config.authorizationServer.issuer, false);
    expect(document.jwks_uri).toBe(`${system.config.authorizationServer.issuer}/jwks`);
    expect(document.scopes_supported).toEqual(['mcp:tickets:read', 'mcp:tickets:write']);
    const issuer = system.config.authorizationServer.issuer;
    // Exactly what the AS implements (RFC 8414 section 2; MCP clients rely on these fields).
    expect(document).toMatchObject({
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/revoke`,
      introspection_endpoint: `${issuer}/introspect`,
      registration_endpoint: `${issuer}/register`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(document.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['none', 'private_key_jwt']));
    const openid = await (await fetch(`${as}/.well-known/openid-configuration`)).json();
    expect(openid).toEqual(document);
  });

  it('publishes only public key members, with kid equal to the RFC 7638 thumbprint', async () => {
    const response = await fetch(`${as}/jwks`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    const { keys } = (await response.json()) as { keys: JWK[] };
    expect(keys).toHaveLength(1);
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toBe(await calculateJwkThumbprint(key));
    }
  });

  it('signs with the active key so that the published JWKS verifies it', async () => {
    const keys = system.system.app('authorization-server').get(SigningKeysService);
    const active = await keys.activeKey();
    const jwt = await new SignJWT({ probe: true }).setProtectedHeader({ alg: active.alg, kid: active.kid }).sign(active.key);
    const jwks = createLocalJWKSet((await (await fetch(`${as}/jwks`)).json()) as { keys: JWK[] });
    const { payload } = await jwtVerify(jwt, jwks);
    expect(payload.probe).toBe(true);
  });

  it('stores the private key only encrypted under the key-encryption key', async () => {
    const [row] = await system.database.dataSource.query('SELECT kid, private_key_ciphertext FROM as_signing_keys');
    const stored = (row.private_key_ciphertext as Buffer).toString('latin1');
    expect(stored).not.toContain('"d"');
    expect(stored).not.toContain(row.kid);
  });

  it('keeps a rotated key published beside the new one until its tokens have expired', async () => {
    const repository = new SigningKeysRepository(system.database.dataSource);
    const before = ((await (await fetch(`${as}/jwks`)).json()) as { keys: JWK[] }).keys.map((key) => key.kid);
    const result = await rotateSigningKey(repository, Buffer.from(TEST_KEK, 'hex'), system.config.authorizationServer, clock);
    expect(result.previous).toBe(before[0]);
    // Rotation happened outside the running AS (as the command does); it notices within AS_KEY_CACHE_TTL.
    const service = system.system.app('authorization-server').get(SigningKeysService);
    expect((await service.activeKey()).kid).toBe(before[0]);
    clock.advanceSeconds(system.config.authorizationServer.keyCacheSeconds);
    const after = ((await (await fetch(`${as}/jwks`)).json()) as { keys: JWK[] }).keys.map((key) => key.kid);
    expect(after).toEqual([result.current, result.previous]);
    expect((await service.activeKey()).kid).toBe(result.current);

    const ttl = system.config.authorizationServer.accessTokenTtlSeconds;
    expect(result.previousPublishedUntil.getTime() - clock.nowMs()).toBeGreaterThanOrEqual(ttl * 1000);
    const published = await repository.findPublished(new Date(result.previousPublishedUntil.getTime() + 1000));
    expect(published.map((key) => key.kid)).toEqual([result.current]);
  });

  it('creates exactly one active key when several replicas start at once', async () => {
    await system.database.dataSource.query('DELETE FROM as_signing_keys');
    const service = system.system.app('authorization-server').get(SigningKeysService);
    await Promise.all(Array.from({ length: 5 }, () => service.ensureActiveKey()));
    const rows = await system.database.dataSource.query(`SELECT kid FROM as_signing_keys WHERE status = 'active'`);
    expect(rows).toHaveLength(1);
  });
});

describe('AS discovery in production mode', () => {
  it('advertises only absolute https URLs derived from the https issuer', async () => {
    const issuer = 'https://auth.example.test';
    const system = await startTestSystem({
      roles: ['authorization-server'],
      env: { MODE: 'production', MCP_PUBLIC_URL: 'https://mcp.example.test' },
      publicUrls: { 'authorization-server': issuer },
    });
    try {
      const document = (await (await fetch(`${system.url['authorization-server']}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expectValidMetadata(document, issuer, true);
    } finally {
      await system.stop();
    }
  });
});
