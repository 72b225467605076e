import 'reflect-metadata';
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { generateEs256KeyPair, issueCertificate, type CertificateIssuer } from '../../common/crypto/x509-issuer.js';
import type { WebAuthnAttestation } from './android-key.js';
import { attestationObject, credentialData, signDer, ZERO_AAGUID } from './webauthn-encoding.js';

/** id-fido-gen-ce-aaguid (FIDO certificate extension): the authenticator model. */
const ID_FIDO_GEN_CE_AAGUID = '1.3.6.1.4.1.45724.1.1.4';

/** Full attestation: a separate attestation key, certified by a CA, signs instead of the device key. */
export interface PackedFullAttestation {
  readonly issuer: CertificateIssuer;
  /** DER certificates after the attestation certificate (the issuer's, possibly up to the root). */
  readonly chain: readonly Uint8Array[];
  readonly aaguid?: Uint8Array;
  /** W3C WebAuthn section 8.2.1 requires OU=Authenticator Attestation; overridable to test that rule. */
  readonly subject?: string;
  /** Write the AAGUID extension into the attestation certificate (with this value). */
  readonly certificateAaguid?: Uint8Array;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export interface PackedAttestationOptions {
  readonly deviceKey: webcrypto.CryptoKeyPair;
  readonly challenge: string;
  readonly rpId: string;
  readonly origin: string;
  /** Absent: self attestation, signed by the device key itself (proof of possession only). */
  readonly full?: PackedFullAttestation;
}

/** The `packed` WebAuthn format (W3C WebAuthn section 8.2), full or self attestation, over the device key. */
export async function buildPackedAttestation(options: PackedAttestationOptions): Promise<WebAuthnAttestation> {
  const { clientDataJson, clientDataHash, authData } = await credentialData(options.deviceKey, options, options.full?.aaguid ?? ZERO_AAGUID);
  const signed = Buffer.concat([authData, clientDataHash]);
  if (!options.full) {
    const attStmt = new Map<string, unknown>([['alg', -7], ['sig', await signDer(options.deviceKey.privateKey, signed)]]);
    return { clientDataJson, attestationObject: attestationObject('packed', attStmt, authData) };
  }
  const full = options.full;
  const attestationKey = await generateEs256KeyPair();
  const now = Date.now();
  const certificateAaguid = full.certificateAaguid;
  const certificate = await issueCertificate({
    subject: full.subject ?? 'C=ZZ, O=attested-cimd development, OU=Authenticator Attestation, CN=Simulated Authenticator',
    publicKey: attestationKey.publicKey,
    issuer: full.issuer,
    notBefore: full.notBefore ?? new Date(now - 60_000),
    notAfter: full.notAfter ?? new Date(now + 365 * 86_400_000),
    extensions: certificateAaguid
      ? [new x509.Extension(ID_FIDO_GEN_CE_AAGUID, false, new Uint8Array([0x04, 0x10, ...certificateAaguid]))]
      : [],
  });
  const attStmt = new Map<string, unknown>([
    ['alg', -7],
    ['sig', await signDer(attestationKey.privateKey, signed)],
    ['x5c', [new Uint8Array(certificate.rawData), ...full.chain.map((der) => new Uint8Array(der))]],
  ]);
  return { clientDataJson, attestationObject: attestationObject('packed', attStmt, authData) };
}
