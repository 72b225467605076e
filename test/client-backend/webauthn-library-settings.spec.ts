import { MetadataService, SettingsService } from '@simplewebauthn/server';
import { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import { BackendHarness } from './backend-harness.js';

const IDENTIFIERS = ['android-key', 'packed', 'tpm'] as const;

/**
 * @simplewebauthn/server keeps its trust roots in a process-global SettingsService. The backend pins
 * them itself before every verification, so nothing else in the process can widen or narrow trust.
 */
describe('the library\'s process-global settings', () => {
  let backend: BackendHarness;
  let factory: AttestationFactory;
  const saved = new Map(IDENTIFIERS.map((identifier) => [identifier, SettingsService.getRootCertificates({ identifier })]));

  beforeAll(async () => {
    factory = await AttestationFactory.create();
    backend = await BackendHarness.start({ BACKEND_ATTESTATION_ROOTS: factory.rootsSetting(), BACKEND_DEV_ATTESTATION_CA: 'false' });
  });

  afterAll(async () => {
    for (const [identifier, certificates] of saved) SettingsService.setRootCertificates({ identifier, certificates });
    await backend.stop();
  });

  it('keeps refusing an untrusted chain when other code made the library trust that chain\'s root', async () => {
    for (const identifier of IDENTIFIERS) SettingsService.setRootCertificates({ identifier, certificates: [factory.unknown.rootPem] });
    const built = await factory.androidKey(await backend.challenge('ticket-desk', 'android'), { pki: 'unknown' });
    expect((await backend.register('ticket-desk', 'android', built.attestation)).status).toBe(400);
  });

  it('keeps accepting a trusted chain when other code set unrelated library roots', async () => {
    for (const identifier of IDENTIFIERS) SettingsService.setRootCertificates({ identifier, certificates: [factory.unknown.rootPem] });
    const built = await factory.packed(await backend.challenge('ticket-desk', 'windows'));
    expect((await backend.register('ticket-desk', 'windows', built.attestation)).status).toBe(201);
    expect(SettingsService.getRootCertificates({ identifier: 'packed' })).toEqual([]);
  });

  it('never initialises the FIDO metadata service (it would download statements)', async () => {
    await expect(MetadataService.getStatement('00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
  });
});
