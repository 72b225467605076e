import { ClientResolutionError, ClientResolver } from '../../src/authorization-server/clients/client.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { vscodeLike } from '../fixtures/client-documents.js';
import { DocumentHost } from '../support/document-host.js';
import { body } from '../support/http.js';
import { rejectionOf } from '../support/rejection.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

const TOKEN = 'dev-as-admin-token';

describe('client admin API', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  let host: DocumentHost;
  let system: TestSystem;
  let as: string;
  let resolver: ClientResolver;

  const admin = (method: string, path: string, payload?: unknown) =>
    fetch(`${as}/admin/clients${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, ...(payload ? { 'Content-Type': 'application/json' } : {}) },
      body: payload ? JSON.stringify(payload) : undefined,
    });
  const audit = async (clientId: string) =>
    (await system.database.dataSource.query('SELECT actor, action, details FROM audit_log WHERE target_id = $1 ORDER BY id', [clientId])) as Array<{ action: string }>;

  beforeAll(async () => {
    host = await DocumentHost.start();
    system = await startTestSystem({
      roles: ['authorization-server'],
      clock,
      env: {
        AS_STATIC_CLIENTS: JSON.stringify([
          { client_id: 'first-party-cli', client_name: 'Ticket Desk CLI', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' },
        ]),
      },
    });
    as = system.url['authorization-server'];
    resolver = system.system.app('authorization-server').get(ClientResolver);
  });

  afterAll(async () => {
    await system.stop();
    await host.stop();
  });

  it('refuses requests without the admin bearer token', async () => {
    expect((await fetch(`${as}/admin/clients`)).status).toBe(401);
    const wrong = await fetch(`${as}/admin/clients`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await body(wrong)).error).toBe('unauthorized');
  });

  describe('POST /admin/clients/verify (dry run)', () => {
    it('reports every check of a good document, the cache decision, and stores nothing', async () => {
      const id = host.url('/verify-good/client.json');
      host.json('/verify-good/client.json', vscodeLike(id, host.origin), { headers: { 'Cache-Control': 'max-age=120' } });
      const response = await admin('POST', '/verify', { client_id: id });
      expect(response.status).toBe(200);
      const report = await body(response);
      expect(report).toMatchObject({ client_id: id, valid: true, cache: { stored: true, lifetime_seconds: 120, decided_by: 'max-age' } });
      const names = report.checks.map((check: { check: string }) => check.check);
      expect(names).toEqual(expect.arrayContaining(['client_id URL rules', 'not blocked', 'fetch', 'json', 'client_id', 'no client secret', 'redirect_uris', 'metadata policy']));
      expect(report.checks.every((check: { status: string }) => check.status !== 'failed')).toBe(true);
      expect(report.notes).toEqual(['dropped unsupported grant_types: urn:ietf:params:oauth:grant-type:device_code']);
      expect(await system.database.dataSource.query('SELECT 1 FROM as_clients WHERE client_id = $1', [id])).toEqual([]);
    });

    it('names every failed check of a bad document', async () => {
      const id = host.url('/verify-bad/client.json');
      host.json('/verify-bad/client.json', { ...vscodeLike(`${id}x`, host.origin), client_secret: 'shh', redirect_uris: ['http://evil.example/cb'] });
      const report = await body(await admin('POST', '/verify', { client_id: id }));
      expect(report.valid).toBe(false);
      const failed = report.checks.filter((check: { status: string }) => check.status === 'failed').map((check: { check: string }) => check.check);
      expect(failed).toEqual(['client_id', 'no client secret', 'redirect_uris']);
    });

    it('stops before fetching when the client_id breaks the URL rules, and says so', async () => {
      const report = await body(await admin('POST', '/verify', { client_id: `${host.origin}/a/../client.json` }));
      expect(report.valid).toBe(false);
      expect(report.checks).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ check: 'client_id URL rules', status: 'failed' }),
          expect.objectContaining({ check: 'fetch', status: 'skipped' }),
        ]),
      );
    });

    it('reports a fetch failure with its reason', async () => {
      const report = await body(await admin('POST', '/verify', { client_id: host.url('/missing/client.json') }));
      expect(report.checks.at(-1)).toMatchObject({ check: 'fetch', status: 'failed', detail: expect.stringContaining('bad_status: answered 404') });
    });

    it('validates its body', async () => {
      const response = await admin('POST', '/verify', { client_id: 42, extra: true });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toBe('invalid_request');
    });
  });

  describe('provenance, block, refetch, delete', () => {
    const id = () => host.url('/managed/client.json');
    const path = (clientId: string) => `/${encodeURIComponent(clientId)}`;

    beforeAll(() => {
      host.json('/managed/client.json', vscodeLike(id(), host.origin), { etag: '"m1"', headers: { 'Cache-Control': 'max-age=300' } });
    });

    it('lists known clients with their provenance', async () => {
      await resolver.resolve(id());
      const registered = await body(
        await fetch(`${as}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: 'DCR one', redirect_uris: ['http://127.0.0.1/cb'] }) }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const list = await body(await admin('GET', ''));
      const cimd = list.clients.find((client: { client_id: string }) => client.client_id === id());
      expect(cimd).toMatchObject({
        source: 'cimd',
        client_name: 'Visual Studio Code',
        fetched_at: clock.now().toISOString(),
        expires_at: new Date(clock.nowMs() + 300_000).toISOString(),
        etag: '"m1"',
        cache_decided_by: 'max-age',
        last_used_at: clock.now().toISOString(),
        blocked: null,
      });
      const dcr = list.clients.find((client: { client_id: string }) => client.client_id === registered.client_id);
      expect(dcr).toMatchObject({ source: 'dcr', client_name: 'DCR one', fetched_at: null, has_secret: false });
      expect(JSON.stringify(list)).not.toContain('secret_hash');
      const onlyDcr = await body(await admin('GET', '?source=dcr&limit=1'));
      expect(onlyDcr.clients).toHaveLength(1);
      expect(onlyDcr.clients[0].source).toBe('dcr');
      expect((await admin('GET', '?source=other')).status).toBe(400);
    });

    it('blocks reversibly: a blocked client is refused at once, unblocking restores it, both audited', async () => {
      const blocked = await admin('POST', `${path(id())}/block`, { reason: 'abuse report #12' });
      expect(blocked.status).toBe(200);
      expect(await body(blocked)).toMatchObject({ blocked: { reason: 'abuse report #12', by: 'operator' } });
      const error = await rejectionOf(resolver.resolve(id()), ClientResolutionError);
      expect(error.reason).toBe('blocked');
      expect(error.message).toContain('abuse report #12');
      expect((await admin('POST', `${path(id())}/block`, { reason: 'again' })).status).toBe(409);
      expect((await body(await admin('GET', path(id())))).blocked).toMatchObject({ reason: 'abuse report #12' });

      expect((await admin('DELETE', `${path(id())}/block`)).status).toBe(200);
      await expect(resolver.resolve(id())).resolves.toMatchObject({ clientId: id() });
      expect((await admin('DELETE', `${path(id())}/block`)).status).toBe(404);
      expect((await audit(id())).map((entry) => entry.action)).toEqual(['client.blocked', 'client.unblocked']);
    });

    it('resolves configured clients first, lists them, and blocks them like any other', async () => {
      await expect(resolver.resolve('first-party-cli')).resolves.toMatchObject({ source: 'static', confidential: false, metadata: { client_name: 'Ticket Desk CLI' } });
      const list = await body(await admin('GET', ''));
      expect(list.configured).toEqual([{ client_id: 'first-party-cli', source: 'static', client_name: 'Ticket Desk CLI', token_endpoint_auth_method: 'none', has_secret: false }]);
      await admin('POST', `${path('first-party-cli')}/block`, { reason: 'lost laptop' });
      expect(await body(await admin('GET', path('first-party-cli')))).toMatchObject({ source: 'static', blocked: { reason: 'lost laptop' } });
      expect((await rejectionOf(resolver.resolve('first-party-cli'), ClientResolutionError)).reason).toBe('blocked');
      await admin('DELETE', `${path('first-party-cli')}/block`);
      await expect(resolver.resolve('first-party-cli')).resolves.toMatchObject({ source: 'static' });
    });

    it('blocks a client_id never seen before, and lists it', async () => {
      const unseen = 'https://never-seen.example/client.json';
      expect((await admin('POST', `${path(unseen)}/block`, { reason: 'pre-emptive' })).status).toBe(200);
      const list = await body(await admin('GET', ''));
      expect(list.blocked_without_record).toEqual([expect.objectContaining({ client_id: unseen, reason: 'pre-emptive' })]);
      expect((await rejectionOf(resolver.resolve(unseen), ClientResolutionError)).reason).toBe('blocked');
    });

    it('refetches on demand, whatever the freshness', async () => {
      const before = host.count('/managed/client.json');
      const response = await admin('POST', `${path(id())}/refetch`);
      expect(response.status).toBe(200);
      expect(await body(response)).toMatchObject({ client_id: id(), source: 'cimd', etag: '"m1"' });
      expect(host.count('/managed/client.json')).toBe(before + 1);
      expect((await audit(id())).at(-1)).toMatchObject({ action: 'client.refetched', details: { outcome: 'ok' } });
      const failing = await admin('POST', `${path(host.url('/missing/client.json'))}/refetch`);
      expect(failing.status).toBe(422);
      expect(await body(failing)).toMatchObject({ error: 'refetch_failed', reason: 'document_gone' });
    });

    it('deletes a cached document without banning it (the next use fetches it again), and a registration for good', async () => {
      expect((await admin('DELETE', path(id()))).status).toBe(204);
      expect((await admin('GET', path(id()))).status).toBe(404);
      const before = host.count('/managed/client.json');
      await resolver.resolve(id());
      expect(host.count('/managed/client.json')).toBe(before + 1);

      const registered = await body(
        await fetch(`${as}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ client_name: 'Gone', redirect_uris: ['http://127.0.0.1/cb'] }) }),
      );
      expect((await admin('DELETE', path(registered.client_id))).status).toBe(204);
      expect((await rejectionOf(resolver.resolve(registered.client_id), ClientResolutionError)).reason).toBe('unknown_client');
      expect((await audit(registered.client_id)).map((entry) => entry.action)).toEqual(['client.registered', 'client.deleted']);
      expect((await admin('DELETE', path('dcr_nothing'))).status).toBe(404);
    });
  });
});
