import { FakeClock } from '../../src/common/clock/clock.js';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import {
  BackendError,
  deleteSimulatedDevice,
  registerSimulatedDevice,
  rotateSimulatedDeviceKey,
  signClientAssertion,
  signDeviceRequest,
  type DeviceState,
} from '../../src/device-simulator/index.js';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { body as json } from '../support/http.js';
import { BackendHarness } from '../client-backend/backend-harness.js';
import { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import { testPkiFromDevelopmentCa } from '../fixtures/attestation/test-pki.js';

const AS_ISSUER = 'https://as.example.test';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** What a strict CIMD validator (draft-ietf-oauth-client-id-metadata-document-02 sections 3-5) checks. */
async function fetchValidDocument(clientId: string): Promise<{ document: Record<string, unknown>; etag: string; response: Response }> {
  const response = await fetch(clientId, { redirect: 'manual' });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  const etag = response.headers.get('etag')!;
  expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/); // strong
  const text = await response.text();
  expect(Buffer.byteLength(text)).toBeLessThan(2048);
  const document = JSON.parse(text) as Record<string, unknown>;
  expect(document.client_id).toBe(clientId);
  expect(document).toMatchObject({
    client_name: 'Ticket Desk',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    application_type: 'native',
    scope: 'mcp:tickets:read mcp:tickets:write',
  });
  expect(document).not.toHaveProperty('jwks_uri');
  expect(document).not.toHaveProperty('client_secret');
  expect(document).not.toHaveProperty('client_secret_expires_at');
  const keys = (document.jwks as { keys: JWK[] }).keys;
  expect(keys).toHaveLength(1);
  for (const member of PRIVATE_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
  expect(Object.keys(keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  expect(keys[0].kid).toBe(await calculateJwkThumbprint(keys[0], 'sha256'));
  return { document, etag, response };
}

/** What the AS does with a private_key_jwt (RFC 7523 section 3, RFC 10070): verify against the document's jwks. */
async function verifyAssertion(assertion: string, document: Record<string, unknown>, clientId: string) {
  const { payload, protectedHeader } = await jwtVerify(assertion, createLocalJWKSet(document.jwks as JSONWebKeySet), {
    issuer: clientId,
    subject: clientId,
    audience: AS_ISSUER,
    algorithms: ['ES256'],
    typ: 'client-authentication+jwt',
  });
  return { payload, protectedHeader };
}

async function expectJsonError(response: Response, status: number, error: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = await json(response);
  expect(body).toEqual({ error, error_description: expect.any(String) });
}

describe('client backend: attested installs end to end', () => {
  let backend: BackendHarness;
  const device = (format: 'android-key' | 'packed' = 'android-key') => registerSimulatedDevice({ backendUrl: backend.url, dataDir: backend.dataDir, format });

  beforeAll(async () => {
    backend = await BackendHarness.start();
  });

  afterAll(() => backend.stop());

  it('challenge -> register -> client.json -> private_key_jwt that verifies against the published jwks', async () => {
    const state = await device();
    expect(state.client_id).toBe(`${backend.url}/${state.install_id}/client.json`);
    expect(state.install_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(state.assurance).toBe('hardware');
    const { document } = await fetchValidDocument(state.client_id);
    expect((document.jwks as { keys: JWK[] }).keys[0].kid).toBe(state.kid);

    const assertion = await signClientAssertion({ privateJwk: state.private_jwk, clientId: state.client_id, audience: AS_ISSUER });
    const { payload, protectedHeader } = await verifyAssertion(assertion, document, state.client_id);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'client-authentication+jwt', kid: state.kid });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(typeof payload.jti).toBe('string');
  });

  it('answers 304 to If-None-Match with the current ETag, and 200 to a stale one', async () => {
    const state = await device('packed');
    const { etag } = await fetchValidDocument(state.client_id);
    const cached = await fetch(state.client_id, { headers: { 'If-None-Match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect(await cached.text()).toBe('');
    expect((await fetch(state.client_id, { headers: { 'If-None-Match': `W/${etag}, "other"` } })).status).toBe(304);
    expect((await fetch(state.client_id, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
  });

  it('serves a document only at the exact client_id URL: no variants, no query, no redirect', async () => {
    const state = await device();
    for (const variant of [`${state.client_id}/`, `${state.client_id}?v=1`, state.client_id.replace('client.json', 'CLIENT.JSON'), `${backend.url}/${state.install_id}/`]) {
      const response = await fetch(variant, { redirect: 'manual' });
      expect([404]).toContain(response.status);
    }
  });

  it('rotates the key: the document changes at once, the old key is gone and can no longer act for the install', async () => {
    const state = await device();
    const before = await fetchValidDocument(state.client_id);
    const rotated = await rotateSimulatedDeviceKey(state, { dataDir: backend.dataDir });
    expect(rotated.kid).not.toBe(state.kid);
    const after = await fetchValidDocument(state.client_id);
    expect(after.etag).not.toBe(before.etag);
    expect((after.document.jwks as { keys: JWK[] }).keys.map((key) => key.kid)).toEqual([rotated.kid]);

    const newAssertion = await signClientAssertion({ privateJwk: rotated.private_jwk, clientId: state.client_id, audience: AS_ISSUER });
    await expect(verifyAssertion(newAssertion, after.document, state.client_id)).resolves.toBeDefined();
    const oldAssertion = await signClientAssertion({ privateJwk: state.private_jwk, clientId: state.client_id, audience: AS_ISSUER });
    await expect(verifyAssertion(oldAssertion, after.document, state.client_id)).rejects.toThrow();
    await expect(deleteSimulatedDevice(state)).rejects.toMatchObject({ status: 401, error: 'invalid_device_token' });
    await expect(rotateSimulatedDeviceKey(state, { dataDir: backend.dataDir })).rejects.toMatchObject({ status: 401 });

    const rows = await backend.system.database.dataSource.query(`SELECT kid, retired_at FROM install_keys WHERE install_id = $1 ORDER BY created_at`, [state.install_id]);
    expect(rows.map((row: { kid: string }) => row.kid)).toEqual([state.kid, rotated.kid]);
    expect(rows[0].retired_at).not.toBeNull();
    expect(rows[1].retired_at).toBeNull();
    const audit = await backend.system.database.dataSource.query(`SELECT actor, action, details FROM audit_log WHERE target_id = $1 ORDER BY id`, [state.install_id]);
    expect(audit.map((row: { action: string }) => row.action)).toEqual(['install.created', 'install.key_rotated']);
    expect(audit[1]).toMatchObject({ actor: `device:${state.install_id}`, details: { old_kid: state.kid, new_kid: rotated.kid } });
  });

  it('deletes on the device\'s signed request: the document answers 410 in the JSON error shape, never a document', async () => {
    const state = await device();
    await deleteSimulatedDevice(state);
    await expectJsonError(await fetch(state.client_id), 410, 'install_deleted');
    await expect(deleteSimulatedDevice(state)).rejects.toMatchObject({ status: 410, error: 'install_deleted' });
    await expectJsonError(await fetch(`${backend.url}/${'A'.repeat(22)}/client.json`), 404, 'install_not_found');
    const [row] = await backend.system.database.dataSource.query(`SELECT status, deleted_by FROM installs WHERE id = $1`, [state.install_id]);
    expect(row).toEqual({ status: 'deleted', deleted_by: 'device' });
  });

  it('deletes on the operator\'s request: 410 for the install, its sibling keeps working', async () => {
    const [victim, sibling] = await Promise.all([device(), device()]);
    const response = await fetch(`${backend.url}/admin/installs/${victim.install_id}`, { method: 'DELETE', headers: { Authorization: 'Bearer dev-backend-admin-token' } });
    expect(response.status).toBe(204);
    await expectJsonError(await fetch(victim.client_id), 410, 'install_deleted');
    await fetchValidDocument(sibling.client_id);
  });

  it('lets exactly one of 20 concurrent registrations with one challenge succeed', async () => {
    const factory = await AttestationFactory.create(await testPkiFromDevelopmentCa(await loadOrCreateDevelopmentCa(backend.dataDir)));
    const target = await backend.challenge('ticket-desk', 'android');
    const attempts = await Promise.all(Array.from({ length: 20 }, () => factory.androidKey(target)));
    const before = await backend.storedCounts();
    const responses = await Promise.all(attempts.map((built) => backend.register('ticket-desk', 'android', built.attestation)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400)).toHaveLength(19);
    const errors = await Promise.all(responses.filter((response) => response.status === 400).map((response) => json(response)));
    expect(new Set(errors.map((body) => body.error))).toEqual(new Set(['invalid_challenge']));
    const after = await backend.storedCounts();
    expect(after.installs - before.installs).toBe(1);
  });

  describe('device-signed requests', () => {
    let state: DeviceState;
    const sign = (overrides: Partial<Parameters<typeof signDeviceRequest>[0]> = {}) =>
      signDeviceRequest({ privateJwk: state.private_jwk, clientId: state.client_id, backendUrl: backend.url, method: 'DELETE', path: `/v1/installs/${state.install_id}`, ...overrides });
    const remove = (authorization?: string) =>
      fetch(`${backend.url}/v1/installs/${state.install_id}`, { method: 'DELETE', headers: authorization ? { Authorization: authorization } : {} });

    beforeAll(async () => {
      state = await device();
    });

    it.each<[string, () => Promise<string | undefined>]>([
      ['no Authorization header', async () => undefined],
      ['a Bearer token instead of DeviceJWT', async () => `Bearer ${await sign()}`],
      ['a JWT signed by another key', async () => `DeviceJWT ${await sign({ privateJwk: (await device()).private_jwk })}`],
      ['a wrong audience', async () => `DeviceJWT ${await sign({ backendUrl: 'https://other.example' })}`],
      ['an expired JWT', async () => `DeviceJWT ${await sign({ now: Math.floor(Date.now() / 1000) - 600 })}`],
      ['an exp too far ahead', async () => `DeviceJWT ${await sign({ lifetimeSeconds: 3600 })}`],
      ['another install as issuer', async () => `DeviceJWT ${await sign({ clientId: `${backend.url}/${'B'.repeat(22)}/client.json` })}`],
      ['a JWT made for another method', async () => `DeviceJWT ${await sign({ method: 'POST' })}`],
      ['a JWT made for another path', async () => `DeviceJWT ${await sign({ path: `/v1/installs/${state.install_id}/keys` })}`],
      ['a JWT with a tampered payload', async () => `DeviceJWT ${(await sign()).replace(/\.([^.]+)\./, (_m, p: string) => `.${p.slice(0, -2)}AA.`)}`],
    ])('refuses %s with 401 and leaves the install alone', async (_name, authorization) => {
      const response = await remove(await authorization());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^DeviceJWT /);
      expect((await json(response)).error).toBe('invalid_device_token');
      expect((await fetch(state.client_id)).status).toBe(200);
    });

    it('accepts a jti once: a replayed request is refused with 401', async () => {
      const jwt = await signDeviceRequest({ privateJwk: state.private_jwk, clientId: state.client_id, backendUrl: backend.url, method: 'POST', path: `/v1/installs/${state.install_id}/keys` });
      const rotate = () => backend.post(`/v1/installs/${state.install_id}/keys`, { attestation: { type: 'webauthn', client_data_json: 'e30', attestation_object: 'oA' } }, { Authorization: `DeviceJWT ${jwt}` });
      expect((await rotate()).status).toBe(400); // the signed request passed; the attestation is nonsense
      const replay = await rotate();
      expect(replay.status).toBe(401);
      expect(backend.loggedDetail(replay)).toBe('jti was already used');
    });
  });

  it('bounds what another replica serves after a deletion by BACKEND_DOCUMENT_CACHE_MS; the deleting replica answers 410 at once', async () => {
    const clock = new FakeClock(Date.now());
    const replicaA = await BackendHarness.start({}, clock);
    const replicaB = await BackendHarness.start({}, clock, replicaA.system.database);
    try {
      const state = await registerSimulatedDevice({ backendUrl: replicaA.url, dataDir: replicaA.dataDir });
      const onB = `${replicaB.url}/${state.install_id}/client.json`;
      expect((await fetch(onB)).status).toBe(200);
      expect((await fetch(state.client_id)).status).toBe(200);
      await deleteSimulatedDevice(state);
      expect((await fetch(state.client_id)).status).toBe(410);
      expect((await fetch(onB)).status).toBe(200);
      clock.advance(1000);
      expect((await fetch(onB)).status).toBe(410);
    } finally {
      await replicaB.stop();
      await replicaA.stop();
    }
  });

  it('reports a refusal to the simulator as a typed error', async () => {
    await expect(registerSimulatedDevice({ backendUrl: backend.url, dataDir: backend.dataDir, profileId: 'nope' })).rejects.toBeInstanceOf(BackendError);
  });
});
