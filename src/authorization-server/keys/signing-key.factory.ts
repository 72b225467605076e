import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningAlg } from '../../config/sections/authorization-server.js';
import { encryptPrivateKey } from './key-encryption.js';
import { SigningKeyEntity } from './signing-key.entity.js';

/** A fresh signing key pair, ready to store: public JWK in clear, private JWK sealed under the KEK. */
export async function generateSigningKey(alg: SigningAlg, kek: Buffer, now: Date): Promise<SigningKeyEntity> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const privateJwk = await exportJWK(privateKey);
  const entity = new SigningKeyEntity();
  entity.kid = kid;
  entity.alg = alg;
  const { kty, crv, x, y } = publicJwk;
  entity.publicJwk = { kty, crv, x, y, kid, alg, use: 'sig' } satisfies JWK;
  entity.privateKeyCiphertext = encryptPrivateKey(kek, kid, JSON.stringify(privateJwk));
  entity.status = 'active';
  entity.createdAt = now;
  entity.retiredAt = null;
  entity.publishUntil = null;
  return entity;
}
