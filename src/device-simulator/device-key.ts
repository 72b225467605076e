import { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ES256_ALGORITHM } from '../common/crypto/x509-issuer.js';

/** The app's signing key. On a phone it never leaves secure hardware; the simulator keeps it in a file. */
export interface DeviceKey {
  readonly pair: webcrypto.CryptoKeyPair;
  /** Private JWK with `kid` (RFC 7638 thumbprint), for the state file and for signing JWTs. */
  readonly privateJwk: JWK;
  readonly kid: string;
}

export async function generateDeviceKey(): Promise<DeviceKey> {
  const pair = (await webcrypto.subtle.generateKey(ES256_ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return fromPair(pair);
}

export async function importDeviceKey(privateJwk: JWK): Promise<DeviceKey> {
  const { kty, crv, x, y, d } = privateJwk;
  const privateKey = await webcrypto.subtle.importKey('jwk', { kty, crv, x, y, d }, ES256_ALGORITHM, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('jwk', { kty, crv, x, y }, ES256_ALGORITHM, true, ['verify']);
  return fromPair({ privateKey, publicKey });
}

async function fromPair(pair: webcrypto.CryptoKeyPair): Promise<DeviceKey> {
  const { kty, crv, x, y, d } = (await webcrypto.subtle.exportKey('jwk', pair.privateKey)) as JWK;
  const kid = await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256');
  return { pair, privateJwk: { kty, crv, x, y, d, kid, alg: 'ES256' }, kid };
}
