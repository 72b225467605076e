import { generateEs256KeyPair, issueCertificate, type CertificateIssuer } from '../../../common/crypto/x509-issuer.js';
import { createTestPki, der, type TestPki } from '../../../../test/fixtures/attestation/test-pki.js';
import { CertificatePathError, validateCertificatePath, type CertificatePathFailure } from './certificate-path.js';
import { TrustAnchors } from './trust-anchors.js';

const DAY = 86_400_000;

async function leafUnder(issuer: CertificateIssuer, validity: { from?: number; to?: number } = {}): Promise<Uint8Array> {
  const keys = await generateEs256KeyPair();
  const now = Date.now();
  return der(
    await issueCertificate({ subject: 'CN=Device Key', publicKey: keys.publicKey, issuer, notBefore: new Date(now + (validity.from ?? -DAY)), notAfter: new Date(now + (validity.to ?? DAY)) }),
  );
}

describe('validateCertificatePath', () => {
  let pki: TestPki;
  let other: TestPki;
  let anchors: TrustAnchors;
  let leaf: Uint8Array;
  let impostor: TestPki;
  let impostorLeaf: Uint8Array;
  let otherLeaf: Uint8Array;

  beforeAll(async () => {
    pki = await createTestPki('Path');
    other = await createTestPki('Other');
    anchors = TrustAnchors.from({ 'android-key': [{ kind: 'der', der: Buffer.from(pki.rootDer), label: 'path root' }], packed: [], tpm: [], 'apple-appattest': [] });
    leaf = await leafUnder(pki.intermediate);
    impostor = await createTestPki('Path');
    impostorLeaf = await leafUnder(impostor.intermediate);
    otherLeaf = await leafUnder(other.intermediate);
  });

  const validate = (x5c: Uint8Array[], now = new Date()) => validateCertificatePath(x5c, anchors.for('android-key'), now);
  const failure = (x5c: Uint8Array[], now?: Date): CertificatePathFailure | undefined => {
    try {
      validate(x5c, now);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(CertificatePathError);
      return (error as CertificatePathError).reason;
    }
  };

  it('accepts leaf, CA and root, and reports the anchor', () => {
    const path = validate([leaf, pki.intermediateDer, pki.rootDer]);
    expect(path.anchor.label).toBe('path root');
    expect(path.chain).toHaveLength(2);
    expect(path.normalised.map((item) => Buffer.from(item).toString('hex'))).toEqual([leaf, pki.intermediateDer, pki.rootDer].map((item) => Buffer.from(item).toString('hex')));
  });

  it('appends the configured root when the device leaves it out', () => {
    const path = validate([leaf, pki.intermediateDer]);
    expect(Buffer.from(path.normalised[2]).equals(Buffer.from(pki.rootDer))).toBe(true);
  });

  it('substitutes the configured root for an expired copy of the same key and name', () => {
    const path = validate([leaf, pki.intermediateDer, pki.expiredRootCopyDer]);
    expect(Buffer.from(path.normalised[2]).equals(Buffer.from(pki.rootDer))).toBe(true);
  });

  it.each<[string, () => Uint8Array[], CertificatePathFailure]>([
    ['an empty chain', () => [], 'malformed'],
    ['bytes that are not a certificate', () => [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], 'malformed'],
    ['seven certificates', () => Array.from({ length: 7 }, () => leaf), 'too_long'],
    ['certificates out of order', () => [pki.intermediateDer, leaf, pki.rootDer], 'broken_chain'],
    ['a leaf followed by a CA that did not issue it', () => [leaf, other.intermediateDer], 'broken_chain'],
    ['a chain to an unknown root', () => [otherLeaf, other.intermediateDer, other.rootDer], 'untrusted'],
    ['a leaf alone whose issuer is not an anchor', () => [leaf], 'untrusted'],
    ['a chain to a root with the trusted name but another key', () => [impostorLeaf, impostor.intermediateDer, impostor.rootDer], 'untrusted'],
  ])('refuses %s', (_name, chain, reason) => {
    expect(failure(chain())).toBe(reason);
  });

  it('refuses a chain whose root-less top is issued by an unknown CA', () => {
    expect(failure([otherLeaf, other.intermediateDer])).toBe('untrusted');
  });

  it('refuses a leaf issued by a non-CA certificate', async () => {
    const notCa = await leafUnder(pki.intermediate);
    const keys = await generateEs256KeyPair();
    const { X509Certificate } = await import('@peculiar/x509');
    const child = der(await issueCertificate({ subject: 'CN=Child', publicKey: keys.publicKey, issuer: { certificate: new X509Certificate(notCa), privateKey: keys.privateKey }, notBefore: new Date(), notAfter: new Date(Date.now() + DAY) }));
    expect(failure([child, notCa, pki.intermediateDer])).toBe('broken_chain');
  });

  it('checks every certificate against the given time, not the wall clock', async () => {
    expect(failure([leaf, pki.intermediateDer], new Date(Date.now() + 2 * DAY))).toBe('outside_validity');
    expect(failure([leaf, pki.intermediateDer], new Date(Date.now() - 2 * DAY))).toBe('outside_validity');
    expect(failure([await leafUnder(pki.intermediate, { from: DAY, to: 2 * DAY }), pki.intermediateDer])).toBe('outside_validity');
  });
});
