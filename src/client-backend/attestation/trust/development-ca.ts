import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  certificateToPem,
  generateEs256KeyPair,
  importPrivateKeyPem,
  issueCertificate,
  privateKeyToPem,
  type CertificateIssuer,
} from '../../../common/crypto/x509-issuer.js';

export const DEVELOPMENT_CA_FILE = 'dev-attestation-ca.json';
const YEAR_MS = 365 * 86_400_000;

/**
 * The development attestation CA: a root and an intermediate generated once per data directory. The
 * backend trusts the root for every certificate-chain format, in development mode only; the device
 * simulator signs its attestation certificates with the intermediate. The root's private key is
 * discarded after it signed the intermediate.
 */
export interface DevelopmentCa {
  readonly file: string;
  readonly root: x509.X509Certificate;
  readonly intermediate: CertificateIssuer;
}

interface StoredCa {
  readonly root_certificate: string;
  readonly intermediate_certificate: string;
  readonly intermediate_private_key: string;
}

async function createCa(): Promise<StoredCa> {
  const now = Date.now();
  const rootKeys = await generateEs256KeyPair();
  const root = await issueCertificate({
    subject: 'CN=attested-cimd Development Attestation Root, O=attested-cimd development, C=ZZ',
    publicKey: rootKeys.publicKey,
    selfSigningKey: rootKeys.privateKey,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 20 * YEAR_MS),
    ca: true,
  });
  const intermediateKeys = await generateEs256KeyPair();
  const intermediate = await issueCertificate({
    subject: 'CN=attested-cimd Development Attestation CA 1, O=attested-cimd development, C=ZZ',
    publicKey: intermediateKeys.publicKey,
    issuer: { certificate: root, privateKey: rootKeys.privateKey },
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 10 * YEAR_MS),
    ca: true,
  });
  return {
    root_certificate: certificateToPem(root),
    intermediate_certificate: certificateToPem(intermediate),
    intermediate_private_key: await privateKeyToPem(intermediateKeys.privateKey),
  };
}

async function parse(file: string, stored: StoredCa): Promise<DevelopmentCa> {
  return {
    file,
    root: new x509.X509Certificate(stored.root_certificate),
    intermediate: {
      certificate: new x509.X509Certificate(stored.intermediate_certificate),
      privateKey: await importPrivateKeyPem(stored.intermediate_private_key),
    },
  };
}

/** Reads the development CA from `dataDir`, creating it on first use (safe when processes race). */
export async function loadOrCreateDevelopmentCa(dataDir: string): Promise<DevelopmentCa> {
  const file = join(dataDir, DEVELOPMENT_CA_FILE);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, JSON.stringify(await createCa(), null, 2), { mode: 0o600 });
    try {
      linkSync(temporary, file); // atomic: fails if another process created the file meanwhile
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  try {
    return await parse(file, JSON.parse(readFileSync(file, 'utf8')) as StoredCa);
  } catch (error) {
    throw new Error(`${file} does not hold a development attestation CA (${(error as Error).message}); delete it to generate a new one`);
  }
}
