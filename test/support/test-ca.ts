import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

export interface TestCa {
  /** The CA certificate (PEM), to inject into the fetcher's trusted roots. */
  readonly certPem: string;
  /** A server certificate for the given DNS names and IP addresses, signed by this CA. */
  issue(names: readonly string[], ips?: readonly string[]): Promise<TestCertificate>;
}

function pemKey(der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

/** A throwaway certificate authority for loopback https test hosts. */
export async function createTestCa(name = 'attested-cimd test CA'): Promise<TestCa> {
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return {
    certPem: ca.toString('pem'),
    async issue(names, ips = []) {
      const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        subject: `CN=${names[0] ?? ips[0]}`,
        issuer: ca.subject,
        notBefore,
        notAfter,
        signingAlgorithm: ALG,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.SubjectAlternativeNameExtension([
            ...names.map((value) => ({ type: 'dns' as const, value })),
            ...ips.map((value) => ({ type: 'ip' as const, value })),
          ]),
          new x509.BasicConstraintsExtension(false),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      return { cert: cert.toString('pem'), key: pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
    },
  };
}
