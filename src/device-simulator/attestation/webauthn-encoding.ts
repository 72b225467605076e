import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { ES256_ALGORITHM } from '../../common/crypto/x509-issuer.js';

/** Authenticator data flags (W3C WebAuthn section 6.1): user present, attested credential data included. */
export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
export const FLAG_AT = 0x40;

export const ZERO_AAGUID = new Uint8Array(16);

function derInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  let value = Buffer.from(bytes.subarray(start));
  if (value[0] & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

/** WebCrypto's ECDSA signature is r || s; attestation statements need ASN.1 DER (RFC 3279 Ecdsa-Sig-Value). */
export function derSignature(raw: Uint8Array): Uint8Array {
  const body = Buffer.concat([derInteger(raw.subarray(0, 32)), derInteger(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export async function signDer(privateKey: webcrypto.CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return derSignature(new Uint8Array(await webcrypto.subtle.sign(ES256_ALGORITHM, privateKey, data)));
}

export function sha256(...parts: Uint8Array[]): Buffer {
  return createHash('sha256').update(Buffer.concat(parts)).digest();
}

/** COSE_Key of an EC P-256 public key for ES256 (RFC 9053): kty 2, alg -7, crv 1, x, y. */
export function coseKey(jwk: { x?: string; y?: string }): Uint8Array {
  return isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
    ]),
  );
}

export interface AuthenticatorDataOptions {
  readonly rpId: string;
  readonly credentialId: Uint8Array;
  readonly cosePublicKey: Uint8Array;
  readonly flags?: number;
  readonly counter?: number;
  readonly aaguid?: Uint8Array;
  /** Hash the rpId itself (App Attest hashes the App ID). */
  readonly rpIdHash?: Uint8Array;
}

/** rpIdHash (32) | flags (1) | counter (4) | AAGUID (16) | credential id length (2) | credential id | COSE key. */
export function authenticatorData(options: AuthenticatorDataOptions): Uint8Array {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(options.counter ?? 0);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(options.credentialId.length);
  return Buffer.concat([
    options.rpIdHash ?? sha256(Buffer.from(options.rpId, 'utf8')),
    Buffer.from([options.flags ?? FLAG_UP | FLAG_AT]),
    counter,
    options.aaguid ?? ZERO_AAGUID,
    length,
    options.credentialId,
    options.cosePublicKey,
  ]);
}

export function clientDataJson(challenge: string, origin: string, type = 'webauthn.create'): Uint8Array {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}

export function attestationObject(fmt: string, attStmt: Map<string, unknown>, authData: Uint8Array): Uint8Array {
  return isoCBOR.encode(new Map<string, unknown>([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]) as never);
}

/** What every WebAuthn-shaped attestation of the device key starts from: client data and authenticator data. */
export interface CredentialData {
  readonly clientDataJson: Uint8Array;
  readonly clientDataHash: Buffer;
  readonly authData: Uint8Array;
}

export async function credentialData(
  deviceKey: webcrypto.CryptoKeyPair,
  target: { readonly challenge: string; readonly rpId: string; readonly origin: string },
  aaguid?: Uint8Array,
): Promise<CredentialData> {
  const clientData = clientDataJson(target.challenge, target.origin);
  const publicJwk = await webcrypto.subtle.exportKey('jwk', deviceKey.publicKey);
  return {
    clientDataJson: clientData,
    clientDataHash: sha256(clientData),
    authData: authenticatorData({ rpId: target.rpId, credentialId: randomBytes(32), cosePublicKey: coseKey(publicJwk), aaguid }),
  };
}
