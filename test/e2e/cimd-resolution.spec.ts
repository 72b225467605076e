import { exportJWK, generateKeyPair } from 'jose';
import { ClientResolutionError, ClientResolver, type Client } from '../../src/authorization-server/clients/client.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { chatgptLike, claudeLike, installLike, PUBLIC_EC_JWK, vscodeLike } from '../fixtures/client-documents.js';
import { DocumentHost } from '../support/document-host.js';
import { rejectionOf } from '../support/rejection.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, ClientResolutionError);

describe('CIMD client resolution against a loopback document host', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  let host: DocumentHost;
  let system: TestSystem;
  let resolver: ClientResolver;
  let paths = 0;

  /** A fresh path (and client_id) per test, so counts and cache rows never mix. */
  function newClient(name: string): { path: string; id: string } {
    paths += 1;
    const path = `/${name}-${paths}/client.json`;
    return { path, id: host.url(path) };
  }

  const row = async (clientId: string) =>
    (await system.database.dataSource.query('SELECT fetched_at, expires_at, etag, cache_source FROM as_clients WHERE client_id = $1', [clientId]))[0];

  beforeAll(async () => {
    host = await DocumentHost.start();
    system = await startTestSystem({ roles: ['authorization-server'], clock });
    resolver = system.system.app('authorization-server').get(ClientResolver);
  });

  afterAll(async () => {
    await system.stop();
    await host.stop();
  });

  describe('real clients are accepted', () => {
    it('resolves a VS Code-like public client, dropping device_code with a log line', async () => {
      const { path, id } = newClient('vscode');
      host.json(path, vscodeLike(id, host.origin));
      const client = await resolver.resolve(id);
      expect(client).toMatchObject({ clientId: id, source: 'cimd', confidential: false });
      expect(client.metadata.grant_types).toEqual(['authorization_code', 'refresh_token']);
      expect(system.logs.find((line) => line.msg === 'client metadata document accepted with a change' && line.clientId === id)).toHaveLength(1);
    });

    it('resolves a Claude-like document with jwt-bearer and portless loopback redirects', async () => {
      const { path, id } = newClient('claude');
      host.json(path, claudeLike(id, host.origin));
      const client = await resolver.resolve(id);
      expect(client.metadata.redirect_uris).toEqual([`${host.origin}/api/mcp/auth_callback`, 'http://localhost/callback', 'http://127.0.0.1/callback']);
    });

    it('resolves a ChatGPT-like confidential client and serves its RS256 keys from jwks_uri', async () => {
      const { path, id } = newClient('chatgpt');
      const { publicKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
      const document = chatgptLike(id, host.origin);
      const jwksPath = `${path}.jwks`;
      document.jwks_uri = host.url(jwksPath);
      host.json(path, document);
      host.json(jwksPath, { keys: [jwk] }, { contentType: 'application/jwk-set+json', headers: { 'Cache-Control': 'max-age=300' } });
      const client = await resolver.resolve(id);
      expect(client).toMatchObject({ confidential: true, metadata: { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256' } });
      expect(await resolver.keys(client)).toEqual([jwk]);
      expect(await resolver.keys(client)).toEqual([jwk]);
      expect(host.count(jwksPath)).toBe(1);
      // an unknown kid right after the fetch: that fetch counts as the refresh
      await resolver.keys(client, { forceRefresh: true });
      expect(host.count(jwksPath)).toBe(1);
      // later: one forced refetch, then rate-limited
      clock.advanceSeconds(11);
      await resolver.keys(client, { forceRefresh: true });
      await resolver.keys(client, { forceRefresh: true });
      expect(host.count(jwksPath)).toBe(2);
    });

    it('serves inline jwks keys, and refetches the document once on an unknown kid', async () => {
      const { path, id } = newClient('install');
      host.json(path, installLike(id, PUBLIC_EC_JWK), { headers: { 'Cache-Control': 'max-age=600' } });
      const client = await resolver.resolve(id);
      expect(await resolver.keys(client)).toEqual([PUBLIC_EC_JWK]);
      const rotated = { ...PUBLIC_EC_JWK, kid: 'device-key-2' };
      host.json(path, installLike(id, rotated), { headers: { 'Cache-Control': 'max-age=600' } });
      clock.advanceSeconds(11);
      expect(await resolver.keys(client, { forceRefresh: true })).toEqual([rotated]);
      expect(await resolver.keys(client, { forceRefresh: true })).toEqual([rotated]);
      expect(host.count(path)).toBe(2);
    });
  });

  describe('the shared cache', () => {
    it('honours max-age: no refetch while fresh, a refetch after expiry', async () => {
      const { path, id } = newClient('max-age');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=120' } });
      const first = await resolver.resolve(id);
      expect(first.expiresAt!.getTime() - first.fetchedAt!.getTime()).toBe(120_000);
      clock.advanceSeconds(60);
      await resolver.resolve(id);
      expect(host.count(path)).toBe(1);
      clock.advanceSeconds(61);
      await resolver.resolve(id);
      expect(host.count(path)).toBe(2);
    });

    it('clamps max-age to the configured bounds [30 s, 1 day]', async () => {
      const short = newClient('short');
      host.json(short.path, vscodeLike(short.id, host.origin), { headers: { 'Cache-Control': 'max-age=5' } });
      await resolver.resolve(short.id);
      expect((await row(short.id)).cache_source).toBe('max-age 5s clamped to 30s');
      clock.advanceSeconds(20);
      await resolver.resolve(short.id);
      expect(host.count(short.path)).toBe(1);
      clock.advanceSeconds(11);
      await resolver.resolve(short.id);
      expect(host.count(short.path)).toBe(2);

      const long = newClient('long');
      host.json(long.path, vscodeLike(long.id, host.origin), { headers: { 'Cache-Control': 'max-age=31536000' } });
      const client = await resolver.resolve(long.id);
      expect(client.expiresAt!.getTime() - clock.nowMs()).toBe(86_400_000);
    });

    it('revalidates with If-None-Match, and a 304 renews the entry', async () => {
      const { path, id } = newClient('etag');
      host.json(path, vscodeLike(id, host.origin), { etag: '"v1"', headers: { 'Cache-Control': 'max-age=60' } });
      await resolver.resolve(id);
      clock.advanceSeconds(61);
      const renewed = await resolver.resolve(id);
      expect(host.count(path)).toBe(2);
      expect(host.last(path)!.headers['if-none-match']).toBe('"v1"');
      expect(renewed.fetchedAt!.getTime()).toBe(clock.nowMs());
      expect(new Date((await row(id)).expires_at).getTime()).toBe(clock.nowMs() + 60_000);
      clock.advanceSeconds(30);
      await resolver.resolve(id);
      expect(host.count(path)).toBe(2);
    });

    it('revalidates with If-Modified-Since when there is no ETag', async () => {
      const { path, id } = newClient('last-modified');
      const lastModified = new Date(clock.nowMs() - 86_400_000).toUTCString();
      host.json(path, vscodeLike(id, host.origin), { lastModified, headers: { 'Cache-Control': 'max-age=30' } });
      await resolver.resolve(id);
      clock.advanceSeconds(31);
      await resolver.resolve(id);
      expect(host.last(path)!.headers['if-modified-since']).toBe(lastModified);
    });

    it('never stores a no-store document, so every resolution fetches', async () => {
      const { path, id } = newClient('no-store');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'no-store' } });
      await resolver.resolve(id);
      await resolver.resolve(id);
      expect(host.count(path)).toBe(2);
      expect(await row(id)).toBeUndefined();
    });

    it('revalidates a no-cache document on every use', async () => {
      const { path, id } = newClient('no-cache');
      host.json(path, vscodeLike(id, host.origin), { etag: '"nc"', headers: { 'Cache-Control': 'no-cache' } });
      await resolver.resolve(id);
      await resolver.resolve(id);
      expect(host.count(path)).toBe(2);
      expect(host.last(path)!.headers['if-none-match']).toBe('"nc"');
    });

    it.each([404, 410])('notices a deleted document (%i) at expiry, fails closed, and caches nothing of the error', async (status) => {
      const { path, id } = newClient(`deleted-${status}`);
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=60' } });
      await resolver.resolve(id);
      host.status(path, status);
      clock.advanceSeconds(30);
      await resolver.resolve(id);
      clock.advanceSeconds(31);
      expect((await refusal(resolver.resolve(id))).reason).toBe('document_gone');
      expect(await row(id)).toBeUndefined();
      expect((await refusal(resolver.resolve(id))).reason).toBe('document_gone');
      expect(host.count(path)).toBe(3);
      // restored: accepted again at once (no negative caching)
      host.json(path, vscodeLike(id, host.origin));
      await expect(resolver.resolve(id)).resolves.toMatchObject({ clientId: id });
    });

    it('never uses the stale copy after expiry when the host fails or now serves something invalid', async () => {
      const { path, id } = newClient('stale');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=60' } });
      await resolver.resolve(id);
      clock.advanceSeconds(61);
      host.status(path, 500);
      expect((await refusal(resolver.resolve(id))).reason).toBe('fetch_failed');
      host.json(path, '<html>maintenance</html>', { contentType: 'text/html' });
      expect((await refusal(resolver.resolve(id))).reason).toBe('fetch_failed');
      host.json(path, { ...vscodeLike(id, host.origin), client_id: `${id}/other` });
      expect((await refusal(resolver.resolve(id))).reason).toBe('invalid_document');
      expect(await row(id)).toBeUndefined();
    });

    it('makes one fetch for 50 concurrent resolutions of one URL', async () => {
      const { path, id } = newClient('concurrent');
      const document = JSON.stringify(vscodeLike(id, host.origin));
      host.route(path, (_request, response) => {
        setTimeout(() => response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' }).end(document), 100);
      });
      const clients = await Promise.all(Array.from({ length: 50 }, () => resolver.resolve(id)));
      expect(new Set(clients.map((client: Client) => client.clientId))).toEqual(new Set([id]));
      expect(host.count(path)).toBe(1);
    });

    it('shares entries between AS instances on one database: the second does not fetch', async () => {
      const { path, id } = newClient('replicas');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=300' } });
      await resolver.resolve(id);
      const replica = await startTestSystem({ roles: ['authorization-server'], clock, database: system.database });
      try {
        const other = replica.system.app('authorization-server').get(ClientResolver);
        await expect(other.resolve(id)).resolves.toMatchObject({ clientId: id, source: 'cimd' });
        expect(host.count(path)).toBe(1);
      } finally {
        await replica.stop();
      }
    });

    it('judges a cached document again under the current configuration (a tightened policy applies at once)', async () => {
      const { path, id } = newClient('retightened');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=300' } });
      await resolver.resolve(id);
      const stricter = await startTestSystem({
        roles: ['authorization-server'],
        clock,
        database: system.database,
        env: { CIMD_METADATA_POLICY: JSON.stringify({ token_endpoint_auth_method: { one_of: ['private_key_jwt'] } }) },
      });
      try {
        const error = await refusal(stricter.system.app('authorization-server').get(ClientResolver).resolve(id));
        expect(error.reason).toBe('invalid_document');
        expect(error.message).toContain('no longer passes: metadata policy: token_endpoint_auth_method must be one of');
        expect(host.count(path)).toBe(1);
      } finally {
        await stricter.stop();
      }
    });

    it('rate-limits forced refreshes per client', async () => {
      const { path, id } = newClient('forced');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=600' } });
      await resolver.resolve(id);
      await resolver.resolve(id, { forceRefresh: true });
      expect(host.count(path)).toBe(1);
      clock.advanceSeconds(11);
      await resolver.resolve(id, { forceRefresh: true });
      await resolver.resolve(id, { forceRefresh: true });
      await resolver.resolve(id, { forceRefresh: true });
      expect(host.count(path)).toBe(2);
    });

    it('records last use at most once a minute', async () => {
      const { path, id } = newClient('last-used');
      host.json(path, vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=600' } });
      await resolver.resolve(id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const lastUsed = async () => (await system.database.dataSource.query('SELECT last_used_at FROM as_clients WHERE client_id = $1', [id]))[0].last_used_at;
      const first = await lastUsed();
      expect(new Date(first).getTime()).toBe(clock.nowMs());
      clock.advanceSeconds(30);
      await resolver.resolve(id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await lastUsed()).toEqual(first);
      clock.advanceSeconds(31);
      await resolver.resolve(id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(new Date(await lastUsed()).getTime()).toBe(clock.nowMs());
    });
  });

  describe('refusals before any fetch', () => {
    it.each([
      ['an https-less remote URL', 'http://backend.example/x/client.json', 'invalid_client_id'],
      ['dot segments', 'http://localhost:1/a/../client.json', 'invalid_client_id'],
      ['a fragment', 'http://localhost:1/client.json#x', 'invalid_client_id'],
      ['a query', 'http://localhost:1/client.json?v=1', 'invalid_client_id'],
      ['an unregistered opaque id', 'dcr_unknown', 'unknown_client'],
      ['an oversized id', `https://backend.example/${'a'.repeat(10_000)}`, 'unknown_client'],
    ])('%s', async (_name, clientId, reason) => {
      const before = host.requests.length;
      expect((await refusal(resolver.resolve(clientId))).reason).toBe(reason);
      expect(host.requests.length).toBe(before);
    });
  });
});
