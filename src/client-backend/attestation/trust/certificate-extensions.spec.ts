import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { generateEs256KeyPair, issueCertificate } from '../../../common/crypto/x509-issuer.js';
import { CertificateStructureError, certificateExtensions } from './certificate-extensions.js';

describe('certificateExtensions', () => {
  it('reads the same extensions, criticality and values as a full ASN.1 parse', async () => {
    const keys = await generateEs256KeyPair();
    const certificate = await issueCertificate({
      subject: 'CN=Extensions',
      publicKey: keys.publicKey,
      selfSigningKey: keys.privateKey,
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
      ca: true,
      extensions: [new x509.Extension('1.3.6.1.4.1.11129.2.1.17', false, new Uint8Array(300).fill(7)), new x509.Extension('1.2.840.113635.100.8.2', true, new Uint8Array([1, 2, 3]))],
    });
    const der = new Uint8Array(certificate.rawData);
    const fast = certificateExtensions(der);
    const reference = AsnParser.parse(der, Certificate).tbsCertificate.extensions!;
    expect([...fast.keys()]).toEqual(reference.map((extension) => extension.extnID));
    for (const extension of reference) {
      expect(fast.get(extension.extnID)).toEqual({ critical: extension.critical, value: new Uint8Array(extension.extnValue.buffer) });
    }
    expect(fast.get('1.2.840.113635.100.8.2')!.critical).toBe(true);
  });

  it.each([
    ['empty input', new Uint8Array([])],
    ['a truncated certificate', new Uint8Array([0x30, 0x82, 0x01, 0x00, 0x30])],
    ['a length running past the end', new Uint8Array([0x30, 0x05, 0x30, 0x10, 0x00])],
  ])('refuses %s', (_name, der) => {
    expect(() => certificateExtensions(der)).toThrow(CertificateStructureError);
  });
});
