import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export const ES256_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A certificate authority able to sign certificates: its certificate and private key. */
export interface CertificateIssuer {
  readonly certificate: x509.X509Certificate;
  readonly privateKey: webcrypto.CryptoKey;
}

export interface CertificateRequest {
  /** RFC 4514 name, e.g. `CN=Test Root, O=Example`. */
  readonly subject: string;
  readonly publicKey: webcrypto.CryptoKey;
  /** Absent: self-signed with `selfSigningKey`. */
  readonly issuer?: CertificateIssuer;
  readonly selfSigningKey?: webcrypto.CryptoKey;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A CA certificate (basicConstraints CA true, keyCertSign). */
  readonly ca?: boolean;
  readonly extensions?: readonly x509.Extension[];
  readonly serialNumber?: string;
}

export function generateEs256KeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ES256_ALGORITHM, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
}

/** Issues an X.509 v3 certificate with ECDSA P-256 / SHA-256. Never adds CRL distribution points. */
export async function issueCertificate(request: CertificateRequest): Promise<x509.X509Certificate> {
  const extensions: x509.Extension[] = [];
  if (request.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(request.publicKey));
  if (request.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(request.issuer.certificate));
  extensions.push(...(request.extensions ?? []));
  const signingKey = request.issuer?.privateKey ?? request.selfSigningKey;
  if (!signingKey) throw new Error('issueCertificate needs an issuer or a self-signing key');
  return x509.X509CertificateGenerator.create({
    // A positive, minimally encoded serial: first byte 0x01..0x7f.
    serialNumber: request.serialNumber ?? ((randomBytes(1)[0] & 0x7f) | 0x01).toString(16).padStart(2, '0') + randomBytes(15).toString('hex'),
    subject: request.subject,
    issuer: request.issuer ? request.issuer.certificate.subject : request.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: request.publicKey,
    signingKey,
    signingAlgorithm: ES256_ALGORITHM,
    extensions,
  });
}

export function certificateToPem(certificate: x509.X509Certificate): string {
  return certificate.toString('pem');
}

export async function privateKeyToPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

export function importPrivateKeyPem(pem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ES256_ALGORITHM, true, ['sign']);
}
