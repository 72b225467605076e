import { isoCBOR } from '@simplewebauthn/server/helpers';
import { FakeClock } from '../../src/common/clock/clock.js';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import { testPkiFromDevelopmentCa } from '../fixtures/attestation/test-pki.js';
import { body as json } from '../support/http.js';
import { BackendHarness } from './backend-harness.js';

/** Every refusal has the JSON error shape, no-store, and leaves nothing stored. */
async function expectRefusal(backend: BackendHarness, send: () => Promise<Response>, status: number, error: string): Promise<Record<string, unknown>> {
  const before = await backend.storedCounts();
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await json(response);
  expect(body).toMatchObject({ error, error_description: expect.any(String) });
  expect(JSON.stringify(body)).not.toMatch(/\bat \w+ \(|node_modules/);
  expect(await backend.storedCounts()).toEqual(before);
  return body;
}

describe('client backend: bad input', () => {
  let backend: BackendHarness;
  let factory: AttestationFactory;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    backend = await BackendHarness.start({}, clock);
    factory = await AttestationFactory.create(await testPkiFromDevelopmentCa(await loadOrCreateDevelopmentCa(backend.dataDir)));
  });

  afterAll(() => backend.stop());

  describe('POST /v1/attestation/challenges', () => {
    it.each<[string, unknown, number, string]>([
      ['malformed JSON', '{"profile_id":', 400, 'invalid_request'],
      ['a JSON array', '[]', 400, 'invalid_request'],
      ['a missing platform', { profile_id: 'ticket-desk' }, 400, 'invalid_request'],
      ['a number for profile_id', { profile_id: 7, platform: 'android' }, 400, 'invalid_request'],
      ['an unknown member', { profile_id: 'ticket-desk', platform: 'android', nonce: 'x' }, 400, 'invalid_request'],
      ['an unknown profile', { profile_id: 'nope', platform: 'android' }, 400, 'unknown_profile'],
      ['a platform the profile does not offer', { profile_id: 'ticket-desk', platform: 'blackberry' }, 400, 'unsupported_platform'],
      ['a prototype member as platform', { profile_id: 'ticket-desk', platform: 'constructor' }, 400, 'unsupported_platform'],
    ])('refuses %s', async (_name, body, status, error) => {
      await expectRefusal(backend, () => backend.post('/v1/attestation/challenges', body), status, error);
    });

    it('refuses a body that is not JSON', async () => {
      await expectRefusal(backend, () => fetch(`${backend.url}/v1/attestation/challenges`, { method: 'POST', body: 'profile_id=ticket-desk', headers: { 'Content-Type': 'text/plain' } }), 400, 'invalid_request');
    });

    it('issues a 43-character challenge with its RP ID, origin, expiry and accepted formats, never cached', async () => {
      const response = await backend.post('/v1/attestation/challenges', { profile_id: 'ticket-desk', platform: 'windows' });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = await json(response);
      expect(body).toEqual({
        challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_at: new Date(clock.nowMs() + 300_000).toISOString(),
        profile_id: 'ticket-desk',
        platform: 'windows',
        rp_id: '127.0.0.1',
        origin: backend.url,
        accepted_formats: ['packed', 'packed-self', 'tpm'],
      });
      const stored = await backend.system.database.dataSource.query('SELECT challenge_hash FROM attestation_challenges');
      expect(stored.some((row: { challenge_hash: string }) => row.challenge_hash === body.challenge)).toBe(false);
    });
  });

  describe('POST /v1/installs', () => {
    const register = (body: unknown) => () => backend.post('/v1/installs', body);
    const webauthn = { type: 'webauthn', client_data_json: 'e30', attestation_object: 'oA' };

    it.each<[string, unknown, number, string]>([
      ['malformed JSON', '{"profile_id": "ticket-desk",', 400, 'invalid_request'],
      ['a missing attestation', { profile_id: 'ticket-desk', platform: 'android' }, 400, 'invalid_request'],
      ['an attestation that is a string', { profile_id: 'ticket-desk', platform: 'android', attestation: 'abc' }, 400, 'invalid_request'],
      ['an unknown attestation type', { profile_id: 'ticket-desk', platform: 'android', attestation: { type: 'safetynet' } }, 400, 'invalid_request'],
      ['an attestation missing attestation_object', { profile_id: 'ticket-desk', platform: 'android', attestation: { type: 'webauthn', client_data_json: 'e30' } }, 400, 'invalid_request'],
      ['an attestation member that is not base64url', { profile_id: 'ticket-desk', platform: 'android', attestation: { ...webauthn, attestation_object: 'a+b/c=' } }, 400, 'invalid_request'],
      ['an unknown attestation member', { profile_id: 'ticket-desk', platform: 'android', attestation: { ...webauthn, extra: 1 } }, 400, 'invalid_request'],
      ['an attestation object over 32768 characters', { profile_id: 'ticket-desk', platform: 'android', attestation: { ...webauthn, attestation_object: 'A'.repeat(32_769) } }, 400, 'invalid_request'],
      ['an unknown profile', { profile_id: 'nope', platform: 'android', attestation: webauthn }, 400, 'unknown_profile'],
      ['an unknown platform', { profile_id: 'ticket-desk', platform: 'symbian', attestation: webauthn }, 400, 'unsupported_platform'],
      ['an attestation object that is not CBOR', { profile_id: 'ticket-desk', platform: 'android', attestation: webauthn }, 400, 'invalid_attestation'],
    ])('refuses %s', async (_name, body, status, error) => {
      await expectRefusal(backend, register(body), status, error);
    });

    it('refuses a body over BODY_LIMIT (64 KB) with 413 before parsing it', async () => {
      await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation: { ...webauthn, attestation_object: 'A'.repeat(70_000) } }), 413, 'invalid_request');
    });

    it('refuses an expired challenge, and it stays used', async () => {
      const target = await backend.challenge('ticket-desk', 'android');
      clock.advanceSeconds(301);
      const built = await factory.androidKey(target);
      const body = await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation: built.attestation }), 400, 'invalid_challenge');
      expect(body.error_description).toMatch(/expired/);
      clock.advanceSeconds(-301);
      await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation: built.attestation }), 400, 'invalid_challenge');
    });

    it('refuses a replayed challenge: the second registration with it fails', async () => {
      const target = await backend.challenge('ticket-desk', 'android');
      const first = await factory.androidKey(target);
      expect((await backend.register('ticket-desk', 'android', first.attestation)).status).toBe(201);
      const second = await factory.androidKey(target);
      const body = await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation: second.attestation }), 400, 'invalid_challenge');
      expect(body.error_description).toMatch(/already used/);
    });

    it('refuses a challenge issued for another platform', async () => {
      const target = await backend.challenge('ticket-desk', 'windows');
      const built = await factory.androidKey(target);
      await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation: built.attestation }), 400, 'invalid_challenge');
    });

    it('refuses a WebAuthn format this backend never accepts (fido-u2f)', async () => {
      const target = await backend.challenge('ticket-desk', 'android');
      const built = await factory.none(target);
      const decoded = isoCBOR.decodeFirst<Map<string, unknown>>(new Uint8Array(Buffer.from(built.attestation.attestation_object as string, 'base64url')));
      decoded.set('fmt', 'fido-u2f');
      const attestation = { ...built.attestation, attestation_object: Buffer.from(isoCBOR.encode(decoded as never)).toString('base64url') };
      await expectRefusal(backend, register({ profile_id: 'ticket-desk', platform: 'android', attestation }), 400, 'unsupported_format');
    });
  });

  it('answers unknown routes and methods in the JSON error shape', async () => {
    const response = await fetch(`${backend.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: 'not_found', error_description: expect.any(String) });
  });
});
