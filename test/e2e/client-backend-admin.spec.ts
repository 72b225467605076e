import { FakeClock } from '../../src/common/clock/clock.js';
import { DEMO_APP_PROFILES } from '../../src/config/sections/demo-app-profile.js';
import { registerSimulatedDevice, type DeviceState, type SimulatedFormat } from '../../src/device-simulator/index.js';
import { BackendHarness } from '../client-backend/backend-harness.js';
import { body as json } from '../support/http.js';

const TOKEN = 'dev-backend-admin-token';
const OTHER_APP = { ...DEMO_APP_PROFILES[0], id: 'other-app', client_name: 'Other App' };
const PROFILES = JSON.stringify([DEMO_APP_PROFILES[0], OTHER_APP]);

describe('client backend operator API', () => {
  let backend: BackendHarness;
  // Advanced a minute per registration so creation times differ; certificates stay valid (they are issued on the real clock).
  const clock = new FakeClock(Date.now());
  const installs: Array<DeviceState & { createdAt: Date }> = [];

  const admin = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${backend.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

  async function register(profileId: string, format: SimulatedFormat): Promise<DeviceState> {
    clock.advanceSeconds(60);
    const state = await registerSimulatedDevice({ backendUrl: backend.url, dataDir: backend.dataDir, profileId, format });
    installs.push({ ...state, createdAt: clock.now() });
    return state;
  }

  beforeAll(async () => {
    backend = await BackendHarness.start({ BACKEND_APP_PROFILES: PROFILES }, clock);
    for (const [profile, format] of [
      ['ticket-desk', 'android-key'],
      ['ticket-desk', 'packed'],
      ['ticket-desk', 'packed-self'],
      ['other-app', 'android-key'],
      ['other-app', 'packed-self'],
      ['ticket-desk', 'android-key'],
    ] as const) {
      await register(profile, format);
    }
  });

  afterAll(() => backend.stop());

  describe('authentication', () => {
    it.each([
      ['GET', '/admin/installs'],
      ['GET', `/admin/installs/${'A'.repeat(22)}`],
      ['DELETE', `/admin/installs/${'A'.repeat(22)}`],
      ['DELETE', '/admin/profiles/ticket-desk/installs'],
    ])('refuses %s %s without a token and with a wrong one (401), changing nothing', async (method, path) => {
      const before = await backend.storedCounts();
      const attempts: Array<Record<string, string>> = [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }];
      for (const headers of attempts) {
        const response = await fetch(`${backend.url}${path}`, { method, headers });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
        expect(await json(response)).toEqual({ error: 'unauthorized', error_description: expect.any(String) });
      }
      expect(await backend.storedCounts()).toEqual(before);
    });
  });

  describe('list', () => {
    async function list(query: string): Promise<{ installs: Array<Record<string, string>>; next_cursor: string | null }> {
      const response = await admin(`/admin/installs${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      return json(response);
    }

    it('lists active installs newest first, with their client_id', async () => {
      const page = await list('');
      expect(page.installs.map((install) => install.install_id)).toEqual(installs.map((install) => install.install_id).reverse());
      expect(page.installs[0]).toMatchObject({ client_id: installs[5].client_id, status: 'active', profile_id: 'ticket-desk', platform: 'android' });
      expect(page.next_cursor).toBeNull();
    });

    it('pages with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.installs.map((install) => install.install_id));
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(2);
      expect(seen).toEqual(installs.map((install) => install.install_id).reverse());
    });

    it.each<[string, (install: DeviceState & { createdAt: Date }) => boolean]>([
      ['?profile_id=other-app', (install) => install.profile_id === 'other-app'],
      ['?platform=windows', (install) => install.platform === 'windows'],
      ['?assurance=self', (install) => install.format === 'packed-self'],
      ['?platform=android&profile_id=ticket-desk', (install) => install.platform === 'android' && install.profile_id === 'ticket-desk'],
    ])('filters by %s', async (query, expected) => {
      const page = await list(query);
      expect(page.installs.map((install) => install.install_id).sort()).toEqual(installs.filter(expected).map((install) => install.install_id).sort());
    });

    it('filters by creation time: created_after inclusive, created_before exclusive', async () => {
      const from = installs[1].createdAt.toISOString();
      const to = installs[4].createdAt.toISOString();
      const page = await list(`?created_after=${from}&created_before=${to}`);
      expect(page.installs.map((install) => install.install_id)).toEqual([installs[3], installs[2], installs[1]].map((install) => install.install_id));
    });

    it.each([
      ['an unknown parameter', '?profile=ticket-desk'],
      ['an unknown platform', '?platform=blackberry'],
      ['an unknown assurance', '?assurance=great'],
      ['a date that is not ISO 8601', '?created_after=yesterday'],
      ['a limit of 0', '?limit=0'],
      ['a limit over 200', '?limit=201'],
      ['a cursor this API did not issue', '?cursor=bm90LWEtY3Vyc29y'],
    ])('refuses %s with 400', async (_name, query) => {
      const response = await admin(`/admin/installs${query}`);
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe('invalid_request');
    });
  });

  it('shows one install with its keys, their evidence, and its audit trail', async () => {
    const target = installs[0];
    const response = await admin(`/admin/installs/${target.install_id}`);
    expect(response.status).toBe(200);
    const shown = await json(response);
    expect(shown).toMatchObject({ install_id: target.install_id, client_id: target.client_id, assurance: 'hardware', format: 'android-key', kid: target.kid });
    expect(shown.keys).toEqual([
      expect.objectContaining({ kid: target.kid, retired_at: null, evidence: expect.objectContaining({ root: 'development attestation CA', attestation_security_level: 'TrustedEnvironment' }) }),
    ]);
    expect(shown.audit).toEqual([expect.objectContaining({ action: 'install.created', actor: `device:${target.install_id}` })]);
    expect((await admin(`/admin/installs/${'Z'.repeat(22)}`)).status).toBe(404);
    expect((await admin('/admin/installs/not-an-id')).status).toBe(404);
  });

  it('deletes one install: 204, then 410 for its document and for a second delete, 404 for an unknown id; audited', async () => {
    const target = installs[1];
    expect((await admin(`/admin/installs/${target.install_id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(target.client_id)).status).toBe(410);
    const again = await admin(`/admin/installs/${target.install_id}`, { method: 'DELETE' });
    expect(again.status).toBe(410);
    expect((await json(again)).error).toBe('install_deleted');
    expect((await admin(`/admin/installs/${'Z'.repeat(22)}`, { method: 'DELETE' })).status).toBe(404);
    const audit = await backend.system.database.dataSource.query(`SELECT actor, action, details FROM audit_log WHERE target_id = $1 ORDER BY id`, [target.install_id]);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['install.created', 'install.deleted']);
    expect(audit[1]).toMatchObject({ actor: 'operator', details: { by: 'operator', kid: target.kid } });
    const listed = await json(await admin('/admin/installs?status=deleted'));
    expect(listed.installs).toEqual([expect.objectContaining({ install_id: target.install_id, deleted_by: 'operator', deleted_at: expect.any(String) })]);
  });

  it('deletes every install of one profile and leaves the other profiles alone; audited per install and as a whole', async () => {
    const response = await admin('/admin/profiles/other-app/installs', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ profile_id: 'other-app', deleted: 2 });
    for (const install of installs) {
      expect((await fetch(install.client_id)).status).toBe(install.profile_id === 'other-app' || install === installs[1] ? 410 : 200);
    }
    const audit = await backend.system.database.dataSource.query(
      `SELECT actor, action, target_type, target_id, details FROM audit_log WHERE action IN ('install.deleted', 'profile.installs_deleted') AND actor = 'operator' ORDER BY id`,
    );
    expect(audit.slice(-3)).toEqual([
      expect.objectContaining({ action: 'install.deleted', details: expect.objectContaining({ reason: 'profile purge' }) }),
      expect.objectContaining({ action: 'install.deleted', details: expect.objectContaining({ reason: 'profile purge' }) }),
      expect.objectContaining({ action: 'profile.installs_deleted', target_type: 'profile', target_id: 'other-app', details: { count: 2 } }),
    ]);
    expect(await json(await admin('/admin/profiles/other-app/installs', { method: 'DELETE' }))).toEqual({ profile_id: 'other-app', deleted: 0 });
    expect((await admin('/admin/profiles/Not_A_Profile/installs', { method: 'DELETE' })).status).toBe(400);
  });

  it('answers 410 for installs of a profile that was removed from configuration, and can still purge them', async () => {
    const state = await register('ticket-desk', 'packed-self');
    const withdrawn = await BackendHarness.start({ BACKEND_APP_PROFILES: JSON.stringify([OTHER_APP]) }, undefined, backend.system.database);
    try {
      const response = await fetch(`${withdrawn.url}/${state.install_id}/client.json`);
      expect(response.status).toBe(410);
      expect((await json(response)).error).toBe('profile_withdrawn');
      const purge = await fetch(`${withdrawn.url}/admin/profiles/ticket-desk/installs`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
      expect((await json(purge)).deleted).toBe(installs.filter((install) => install.profile_id === 'ticket-desk').length - 1);
    } finally {
      await withdrawn.stop();
    }
  });
});
