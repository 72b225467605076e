import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { DEMO_ANDROID_PACKAGE, DEMO_SIGNING_CERT_DIGEST } from '../../src/config/sections/demo-app-profile.js';
import { SecurityLevel, VerifiedBootState } from '../../src/device-simulator/index.js';
import { generateDeviceKey } from '../../src/device-simulator/device-key.js';
import { AttestationFactory, TEST_APP_ID, type BuiltAttestation, type Target } from '../fixtures/attestation/attestation-factory.js';
import { body as json } from '../support/http.js';
import { BackendHarness } from './backend-harness.js';

const ALLOWED_AAGUID = '6c6f6361-6c20-7465-7374-206161677569';
const ANDROID = {
  formats: ['android-key'],
  package_names: [DEMO_ANDROID_PACKAGE],
  signing_cert_digests: [DEMO_SIGNING_CERT_DIGEST],
  min_os_patch_level: 202601,
};
const PROFILES = [
  {
    id: 'ticket-desk',
    client_name: 'Ticket Desk',
    redirect_uris: ['http://127.0.0.1/callback'],
    platforms: { android: ANDROID, ios: { formats: ['apple-appattest'], app_ids: [TEST_APP_ID] }, windows: { formats: ['packed', 'tpm'] } },
  },
  {
    id: 'vault',
    client_name: 'Vault',
    redirect_uris: ['https://vault.example/callback'],
    platforms: {
      android: { ...ANDROID, min_security_level: 'StrongBox' },
      windows: { formats: ['packed', 'packed-self', 'none'], aaguids: [ALLOWED_AAGUID] },
    },
  },
  { id: 'ios-beta', client_name: 'Ticket Desk Beta', redirect_uris: ['http://127.0.0.1/callback'], platforms: { ios: { formats: ['apple-appattest'], app_ids: [TEST_APP_ID], allow_development_environment: true } } },
];

type Build = (factory: AttestationFactory, target: Target) => Promise<BuiltAttestation>;

describe('attestation policy on top of @simplewebauthn/server', () => {
  let backend: BackendHarness;
  let factory: AttestationFactory;

  beforeAll(async () => {
    factory = await AttestationFactory.create();
    backend = await BackendHarness.start({
      BACKEND_APP_PROFILES: JSON.stringify(PROFILES),
      BACKEND_ATTESTATION_ROOTS: factory.rootsSetting(),
      BACKEND_DEV_ATTESTATION_CA: 'false',
    });
  });

  afterAll(() => backend.stop());

  async function attempt(profile: string, platform: string, build: Build): Promise<Response> {
    const target = await backend.challenge(profile, platform);
    return backend.register(profile, platform, (await build(factory, target)).attestation);
  }

  describe('accepts genuine evidence and labels its assurance', () => {
    it.each<[string, string, string, Build, string]>([
      ['a TEE android-key chain with its root', 'ticket-desk', 'android', (f, t) => f.androidKey(t), 'hardware'],
      ['a StrongBox android-key chain', 'vault', 'android', (f, t) => f.androidKey(t, { attestationSecurityLevel: SecurityLevel.strongBox, keymasterSecurityLevel: SecurityLevel.strongBox }), 'strongbox'],
      ['an android-key chain without its root (Remote Key Provisioning)', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { chain: 'without-root' }), 'hardware'],
      ['an android-key chain ending in an expired copy of a trusted root key', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { chain: 'expired-root-copy' }), 'hardware'],
      ['packed full attestation under a trusted root', 'ticket-desk', 'windows', (f, t) => f.packed(t), 'hardware'],
      ['packed full attestation from an allowed authenticator model', 'vault', 'windows', (f, t) => f.packed(t, { aaguid: Buffer.from(ALLOWED_AAGUID.replace(/-/g, ''), 'hex') }), 'hardware'],
      ['packed self attestation where the profile accepts it', 'vault', 'windows', (f, t) => f.packed(t, { self: true }), 'self'],
      ['tpm under a trusted root', 'ticket-desk', 'windows', (f, t) => f.tpm(t), 'hardware'],
      ['none, in development mode, where the profile lists it', 'vault', 'windows', (f, t) => f.none(t), 'none'],
      ['a production App Attest attestation', 'ticket-desk', 'ios', (f, t) => f.appAttest(t), 'app-attest'],
      ['a development App Attest attestation where the profile allows it', 'ios-beta', 'ios', (f, t) => f.appAttest(t, { environment: 'development' }), 'app-attest'],
    ])('%s', async (_name, profile, platform, build, assurance) => {
      const response = await attempt(profile, platform, build);
      const body = await json(response);
      expect({ status: response.status, body }).toMatchObject({ status: 201, body: { assurance, profile_id: profile, platform, status: 'active' } });
    });
  });

  describe('refuses what the library accepts but our policy must not, and stores nothing', () => {
    type Refusal = [name: string, profile: string, platform: string, build: Build, status: number, code: string, rule?: string];
    it.each<Refusal>([
      // Android KeyDescription rules (the library checks only the challenge and allApplications).
      ['a software-backed key', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { attestationSecurityLevel: SecurityLevel.software, keymasterSecurityLevel: SecurityLevel.software }), 400, 'attestation_policy_violation', 'security_level'],
      ['a key whose attestation is software even though the key is in the TEE', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { attestationSecurityLevel: SecurityLevel.software }), 400, 'attestation_policy_violation', 'security_level'],
      ['a TEE key where the profile requires StrongBox', 'vault', 'android', (f, t) => f.androidKey(t), 400, 'attestation_policy_violation', 'security_level'],
      ['an imported key', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { origin: 2 }), 400, 'attestation_policy_violation', 'key_origin'],
      ['a key whose origin and purpose are only software-enforced', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { softwareEnforcedKeyProperties: true }), 400, 'attestation_policy_violation', 'key_origin'],
      ['a key not restricted to signing', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { purposes: [0, 1] }), 400, 'attestation_policy_violation', 'key_purpose'],
      ['a key description naming another algorithm than EC P-256', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { algorithm: 1 }), 400, 'attestation_policy_violation', 'key_algorithm'],
      ['another package name', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { packageNames: ['com.evil.clone'] }), 400, 'attestation_policy_violation', 'package_name'],
      ['another app signing certificate', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { signatureDigests: ['ab'.repeat(32)] }), 400, 'attestation_policy_violation', 'signing_certificate'],
      ['an unverified boot state', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { verifiedBootState: VerifiedBootState.unverified }), 400, 'attestation_policy_violation', 'verified_boot'],
      ['an unlocked bootloader', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { deviceLocked: false }), 400, 'attestation_policy_violation', 'device_locked'],
      ['an old security patch level', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { osPatchLevel: 202301 }), 400, 'attestation_policy_violation', 'os_patch_level'],
      // Trust anchors: the library accepts any chain when its root list is empty.
      ['an android-key chain under an unknown root', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { pki: 'unknown' }), 400, 'untrusted_attestation'],
      ['an android-key chain under an unknown root, root omitted', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { pki: 'unknown', chain: 'without-root' }), 400, 'untrusted_attestation'],
      ['an expired leaf certificate', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { leafExpired: true }), 400, 'untrusted_attestation'],
      ['an expired intermediate under a trusted root', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { pki: 'expired-intermediate' }), 400, 'untrusted_attestation'],
      ['packed full attestation under an unknown root', 'ticket-desk', 'windows', (f, t) => f.packed(t, { pki: 'unknown' }), 400, 'untrusted_attestation'],
      ['tpm under an unknown root', 'ticket-desk', 'windows', (f, t) => f.tpm(t, { pki: 'unknown' }), 400, 'untrusted_attestation'],
      ['an authenticator model outside the allowlist', 'vault', 'windows', (f, t) => f.packed(t), 400, 'attestation_policy_violation', 'aaguid'],
      // Formats per profile and platform; none only where listed.
      ['packed self attestation where the profile accepts only full attestation', 'ticket-desk', 'windows', (f, t) => f.packed(t, { self: true }), 400, 'unsupported_format'],
      ['none where the profile does not list it', 'ticket-desk', 'windows', (f, t) => f.none(t), 400, 'unsupported_format'],
      ['packed on a platform that accepts only android-key', 'ticket-desk', 'android', (f, t) => f.packed(t), 400, 'unsupported_format'],
      // expectedRPID is always set, the origin is checked, the challenge is ours.
      ['a wrong RP ID', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { rpId: 'evil.example' }), 400, 'invalid_attestation'],
      ['a wrong origin', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { clientDataOrigin: 'https://evil.example' }), 400, 'invalid_attestation'],
      ['a challenge this backend never issued', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { challenge: 'A'.repeat(43) }), 400, 'invalid_challenge'],
      ['allApplications (refused by the library too)', 'ticket-desk', 'android', (f, t) => f.androidKey(t, { allApplications: true }), 400, 'invalid_attestation'],
      ['packed full attestation without OU=Authenticator Attestation', 'ticket-desk', 'windows', (f, t) => f.packed(t, { subject: 'C=ZZ, O=Test, OU=Other, CN=Device' }), 400, 'invalid_attestation'],
      // Apple App Attest, verified by us.
      ['a development App Attest attestation where production is required (full 16-byte AAGUID)', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { environment: 'development' }), 400, 'attestation_policy_violation', 'app_attest_environment'],
      ['an App Attest attestation for another App ID', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { appId: 'EVILTEAM01.com.example.ticketdesk' }), 400, 'attestation_policy_violation', 'app_id'],
      ['an App Attest nonce that does not match', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { wrongNonce: true }), 400, 'invalid_attestation'],
      ['an App Attest counter other than 0', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { counter: 1 }), 400, 'invalid_attestation'],
      ['an App Attest key id that is not the attested key', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { wrongKeyId: true }), 400, 'invalid_attestation'],
      ['App Attest client data naming another Secure Enclave key', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { clientDataJkt: 'x'.repeat(43) }), 400, 'invalid_attestation'],
      ['a Secure Enclave proof signed by another key', 'ticket-desk', 'ios', async (f, t) => f.appAttest(t, { proofKey: (await generateDeviceKey()).pair.privateKey }), 400, 'invalid_attestation'],
      ['a Secure Enclave proof over another challenge', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { proofChallenge: 'B'.repeat(43) }), 400, 'invalid_attestation'],
      ['a Secure Enclave proof for another audience', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { proofAudience: 'https://evil.example' }), 400, 'invalid_attestation'],
      ['an App Attest chain under an unknown root', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { pki: 'unknown' }), 400, 'untrusted_attestation'],
      ['an expired App Attest credential certificate', 'ticket-desk', 'ios', (f, t) => f.appAttest(t, { credentialCertificateNotAfter: new Date(Date.now() - 1000) }), 400, 'untrusted_attestation'],
      // A rest parameter keeps jest from taking the optional last column for a `done` callback.
    ])('%s', async (...[, profile, platform, build, status, code, rule]: Refusal) => {
      const before = await backend.storedCounts();
      const response = await attempt(profile, platform, build);
      const body = await json(response);
      expect({ status: response.status, error: body.error, rule: body.policy_rule }).toEqual({ status, error: code, rule });
      expect(typeof body.error_description).toBe('string');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await backend.storedCounts()).toEqual(before);
    });
  });

  it('refuses a leaf naming a CRL distribution point before the library could download it', async () => {
    let hits = 0;
    const server: Server = createServer((_request, response) => {
      hits += 1;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const crl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/attacker.crl`;
      const response = await attempt('ticket-desk', 'android', (f, t) => f.androidKey(t, { leafExtensions: [new x509.CRLDistributionPointsExtension([crl])] }));
      expect(response.status).toBe(400);
      expect((await json(response)).policy_rule).toBe('leaf_crl_distribution_point');
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a device key already bound to an install (409), even after that install is deleted', async () => {
    const first = await factory.androidKey(await backend.challenge('ticket-desk', 'android'));
    expect((await backend.register('ticket-desk', 'android', first.attestation)).status).toBe(201);
    const before = await backend.storedCounts();
    const again = await factory.androidKey(await backend.challenge('ticket-desk', 'android'), { deviceKey: first.key });
    const response = await backend.register('ticket-desk', 'android', again.attestation);
    expect(response.status).toBe(409);
    expect((await json(response)).error).toBe('key_already_registered');
    expect(await backend.storedCounts()).toEqual(before);
  });

  it('keeps the policy facts as evidence of the key', async () => {
    const built = await factory.androidKey(await backend.challenge('ticket-desk', 'android'));
    const { install_id: id } = await json(await backend.register('ticket-desk', 'android', built.attestation));
    const [key] = await backend.system.database.dataSource.query('SELECT evidence, attestation FROM install_keys WHERE install_id = $1', [id]);
    expect(key.evidence).toMatchObject({
      fmt: 'android-key',
      root: expect.stringContaining('inline'),
      attestation_security_level: 'TrustedEnvironment',
      package_names: [DEMO_ANDROID_PACKAGE],
      signature_digests: [DEMO_SIGNING_CERT_DIGEST],
      verified_boot_state: 'Verified',
      device_locked: true,
    });
    expect(JSON.parse(Buffer.from(key.attestation).toString('utf8'))).toEqual(built.attestation.type === 'webauthn' ? { client_data_json: built.attestation.client_data_json, attestation_object: built.attestation.attestation_object } : {});
  });
});
