import { constants, KeyObject, sign, verify, type SignKeyObjectInput, type VerifyKeyObjectInput } from 'node:crypto';
import type { CryptoKey, KeyObject as JoseKeyObject } from 'jose';

/**
 * Compact JWS (RFC 7515 section 7.1) signed and verified with node:crypto directly, for the hot paths
 * (client assertions in, access tokens out): synchronous, no WebCrypto job per call. Only the
 * asymmetric algorithms this server uses; the caller picks the algorithm, never the token's header.
 */
export type JwsAlgorithm = 'ES256' | 'ES384' | 'EdDSA' | 'PS256' | 'RS256';

export class JwsInvalid extends Error {}

export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** The signing input (`header.payload`) and the signature, for verification. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const HASH: Record<JwsAlgorithm, string | null> = { ES256: 'sha256', ES384: 'sha384', EdDSA: null, PS256: 'sha256', RS256: 'sha256' };
/** RFC 7518 section 3.4 (R || S, fixed length) and RFC 8037 section 3.1. */
const SIGNATURE_BYTES: Partial<Record<JwsAlgorithm, number>> = { ES256: 64, ES384: 96, EdDSA: 64 };
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function keyOptions(alg: JwsAlgorithm, key: KeyObject): SignKeyObjectInput & VerifyKeyObjectInput {
  switch (alg) {
    case 'ES256':
    case 'ES384':
      return { key, dsaEncoding: 'ieee-p1363' };
    case 'PS256':
      // RFC 7518 section 3.5: salt as long as the hash.
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    default:
      return { key };
  }
}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwsInvalid(`${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsInvalid(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Splits and decodes a compact JWS; nothing is verified yet. */
export function decodeJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwsInvalid('not three dot-separated parts');
  const [header, payload, signature] = parts;
  if (!header || !payload || !signature || !BASE64URL.test(header) || !BASE64URL.test(payload) || !BASE64URL.test(signature)) {
    throw new JwsInvalid('a part is empty or not base64url');
  }
  return { header: decodeJson(header, 'header'), payload: decodeJson(payload, 'payload'), signingInput: `${header}.${payload}`, signature: Buffer.from(signature, 'base64url') };
}

/** True when the signature verifies with this key under exactly this algorithm. */
export function verifyJwsSignature(jws: DecodedJws, alg: JwsAlgorithm, key: KeyObject): boolean {
  if (jws.header.alg !== alg) return false;
  const length = SIGNATURE_BYTES[alg];
  if (length !== undefined && jws.signature.length !== length) return false;
  try {
    return verify(HASH[alg], Buffer.from(jws.signingInput), keyOptions(alg, key), jws.signature);
  } catch {
    // a key of the wrong type for the algorithm
    return false;
  }
}

export function signJws(header: Record<string, unknown> & { alg: JwsAlgorithm }, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign(HASH[header.alg], Buffer.from(input), keyOptions(header.alg, key)).toString('base64url')}`;
}

const converted = new WeakMap<object, KeyObject>();

/** A KeyObject for a WebCrypto CryptoKey (as jose imports keys), converted once per key. */
export function asKeyObject(key: KeyObject | CryptoKey | JoseKeyObject): KeyObject {
  if (key instanceof KeyObject) return key;
  let keyObject = converted.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    converted.set(key, keyObject);
  }
  return keyObject;
}
