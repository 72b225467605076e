import { createHash } from 'node:crypto';
import { ClientResolver } from '../../src/authorization-server/clients/client.js';
import { sha256Base64Url } from '../../src/common/crypto/hash.js';
import { PUBLIC_EC_JWK } from '../fixtures/client-documents.js';
import { body } from '../support/http.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

describe('dynamic client registration (RFC 7591)', () => {
  let system: TestSystem;
  let as: string;

  const register = (metadata: unknown, headers: Record<string, string> = {}) =>
    fetch(`${as}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(metadata) });
  const clientCount = async () => (await system.database.dataSource.query('SELECT count(*)::int AS n FROM as_clients'))[0].n as number;

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['authorization-server'], env: { RATE_LIMITS: '{"registration:ip":{"limit":40,"window_seconds":3600}}' } });
    as = system.url['authorization-server'];
  });

  afterAll(() => system.stop());

  it('registers a public native client (201), returns what was registered, and resolves it like any client', async () => {
    const response = await register({
      client_name: 'Legacy MCP client',
      redirect_uris: ['http://127.0.0.1:8123/callback'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none',
      client_id: 'https://attacker.example/wants-this-id',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const registered = await body(response);
    expect(registered.client_id).toMatch(/^dcr_[A-Za-z0-9_-]{22}$/);
    expect(registered.client_id.startsWith('https://')).toBe(false);
    expect(registered).toMatchObject({ client_name: 'Legacy MCP client', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    expect(registered.client_id_issued_at).toEqual(expect.any(Number));
    expect(registered).not.toHaveProperty('client_secret');
    const client = await system.system.app('authorization-server').get(ClientResolver).resolve(registered.client_id);
    expect(client).toMatchObject({ source: 'dcr', confidential: false, metadata: { redirect_uris: ['http://127.0.0.1:8123/callback'] } });
    const audit = await system.database.dataSource.query(`SELECT action FROM audit_log WHERE target_id = $1`, [registered.client_id]);
    expect(audit).toEqual([{ action: 'client.registered' }]);
  });

  it('does not keep the requested scope as a ceiling (MCP clients register their first challenge scope; step-up must work later)', async () => {
    const registered = await body(await register({ client_name: 'SDK', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', scope: 'mcp:tickets:read' }));
    expect(registered).not.toHaveProperty('scope');
    const client = await system.system.app('authorization-server').get(ClientResolver).resolve(registered.client_id);
    expect(client.metadata.scope).toBeUndefined();
  });

  it('gives native clients that omit the method `none`, and web clients the RFC 7591 default with a secret returned once and stored hashed', async () => {
    const native = await body(await register({ client_name: 'CLI', redirect_uris: ['http://localhost/cb'] }));
    expect(native.token_endpoint_auth_method).toBe('none');
    expect(native).not.toHaveProperty('client_secret');
    const explicitNative = await body(await register({ client_name: 'App', application_type: 'native', redirect_uris: ['https://app.example/cb'] }));
    expect(explicitNative.token_endpoint_auth_method).toBe('none');

    const web = await body(await register({ client_name: 'Web', redirect_uris: ['https://web.example/cb'] }));
    expect(web.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(web.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(web.client_secret_expires_at).toBe(0);
    const [row] = await system.database.dataSource.query('SELECT secret_hash, metadata FROM as_clients WHERE client_id = $1', [web.client_id]);
    expect(row.secret_hash).toBe(sha256Base64Url(web.client_secret));
    expect(JSON.stringify(row)).not.toContain(web.client_secret);
    const client = await system.system.app('authorization-server').get(ClientResolver).resolve(web.client_id);
    expect(client).toMatchObject({ confidential: true, secretHash: sha256Base64Url(web.client_secret) });
  });

  it('registers a private_key_jwt client with jwks', async () => {
    const registered = await body(
      await register({ client_name: 'Signed', redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_EC_JWK] } }),
    );
    expect(registered).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_EC_JWK] } });
    expect(registered).not.toHaveProperty('client_secret');
  });

  it.each([
    ['an http redirect on a public host', { redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
    ['a redirect with a fragment', { redirect_uris: ['https://app.example/cb#x'] }, 'invalid_redirect_uri'],
    ['no redirect_uris', { redirect_uris: [] }, 'invalid_redirect_uri'],
    ['jwks and jwks_uri together', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_EC_JWK] }, jwks_uri: 'https://app.example/jwks' }, 'invalid_client_metadata'],
    ['a private key in jwks', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...PUBLIC_EC_JWK, d: 'secret' }] } }, 'invalid_client_metadata'],
    ['an unsupported auth method', { token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata'],
    ['no supported grant type', { grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
    ['a missing client_name (MCP profile)', { client_name: undefined }, 'invalid_client_metadata'],
  ])('refuses %s with %s and stores nothing', async (_name, change, error) => {
    const before = await clientCount();
    const response = await register({ client_name: 'Bad', redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none', ...change });
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const answer = await body(response);
    expect(answer.error).toBe(error);
    expect(answer.error_description).toEqual(expect.any(String));
    expect(await clientCount()).toBe(before);
  });

  it.each([
    ['a JSON array', '[]', 'application/json'],
    ['a form body', 'client_name=x', 'application/x-www-form-urlencoded'],
  ])('refuses %s as invalid_client_metadata', async (_name, payload, type) => {
    const response = await fetch(`${as}/register`, { method: 'POST', headers: { 'Content-Type': type }, body: payload });
    expect(response.status).toBe(400);
    expect((await body(response)).error).toBe('invalid_client_metadata');
  });

  it('rate-limits registrations per IP with the registration:ip rule', async () => {
    const limited = await startTestSystem({ roles: ['authorization-server'], env: { RATE_LIMITS: '{"registration:ip":{"limit":2,"window_seconds":3600}}' } });
    try {
      const send = () =>
        fetch(`${limited.url['authorization-server']}/register`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ client_name: 'x', redirect_uris: ['http://127.0.0.1/cb'] }),
        });
      expect((await send()).status).toBe(201);
      expect((await send()).status).toBe(201);
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await limited.stop();
    }
  });

  it('requires the initial access token when one is configured', async () => {
    const token = 'initial-access-token-for-tests';
    const guarded = await startTestSystem({
      roles: ['authorization-server'],
      env: { DCR_INITIAL_ACCESS_TOKEN_SHA256: createHash('sha256').update(token).digest('hex'), DCR_CLIENT_SECRET_TTL: '30d' },
    });
    try {
      const send = (headers: Record<string, string>) =>
        fetch(`${guarded.url['authorization-server']}/register`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ client_name: 'x', redirect_uris: ['https://web.example/cb'] }),
        });
      const missing = await send({});
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await send({ Authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      const ok = await send({ Authorization: `Bearer ${token}` });
      expect(ok.status).toBe(201);
      const registered = await body(ok);
      expect(registered.client_secret_expires_at).toBe(registered.client_id_issued_at + 30 * 86400);
    } finally {
      await guarded.stop();
    }
  });

  it('keeps the scope that the operator metadata policy decides', async () => {
    const narrowed = await startTestSystem({
      roles: ['authorization-server'],
      env: { CIMD_METADATA_POLICY: JSON.stringify({ scope: { subset_of: ['mcp:tickets:read'] } }) },
    });
    try {
      const response = await fetch(`${narrowed.url['authorization-server']}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_name: 'x', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', scope: 'mcp:tickets:read mcp:tickets:write' }),
      });
      expect((await body(response)).scope).toBe('mcp:tickets:read');
    } finally {
      await narrowed.stop();
    }
  });
});
