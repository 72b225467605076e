import { createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { cose, decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import type { AttestationFormat } from '../../config/sections/app-profiles.js';
import { attestationErrors } from './attestation-errors.js';

/** How strongly the evidence ties the key to secure hardware, strongest first. */
export const ASSURANCE_LEVELS = ['strongbox', 'hardware', 'app-attest', 'self', 'none'] as const;
export type Assurance = (typeof ASSURANCE_LEVELS)[number];

/** Higher is stronger; app-attest (Apple vouches for the app, not for the key's storage) ranks below hardware. */
export const ASSURANCE_RANK: Readonly<Record<Assurance, number>> = { strongbox: 4, hardware: 3, 'app-attest': 2, self: 1, none: 0 };

/** The device's public key as published in the metadata document's `jwks`. */
export interface DevicePublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  /** RFC 7638 SHA-256 thumbprint. */
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** A key whose attestation passed the library and our policy. */
export interface AttestedKey {
  readonly jwk: DevicePublicJwk;
  readonly format: AttestationFormat;
  readonly assurance: Assurance;
  /** Facts the policy relied on (security level, package, root, ...), kept for audit and operators. */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** The raw attestation as received, kept for audit. */
  readonly attestation: Buffer;
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;

/** Builds the published JWK from x and y, after checking that they are a point on P-256. */
export async function deviceJwk(x: string, y: string): Promise<DevicePublicJwk> {
  if (!COORDINATE.test(x) || !COORDINATE.test(y)) throw attestationErrors.unsupportedKey('coordinates are not 32-byte base64url values');
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch (error) {
    throw attestationErrors.unsupportedKey(`not a P-256 point: ${(error as Error).message}`);
  }
  const kid = await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }, 'sha256');
  return { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' };
}

/** COSE_Key (RFC 9053) of the credential: only EC2, ES256 (-7), P-256 (1). */
export function deviceJwkFromCose(coseKey: Uint8Array): Promise<DevicePublicJwk> {
  const key = decodeCredentialPublicKey(new Uint8Array(coseKey)) as unknown as Map<number, unknown>;
  const kty = key.get(cose.COSEKEYS.kty);
  const alg = key.get(cose.COSEKEYS.alg);
  const crv = key.get(cose.COSEKEYS.crv);
  const x = key.get(cose.COSEKEYS.x);
  const y = key.get(cose.COSEKEYS.y);
  if (kty !== cose.COSEKTY.EC2 || alg !== cose.COSEALG.ES256 || crv !== cose.COSECRV.P256 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
    throw attestationErrors.unsupportedKey(`COSE key kty ${String(kty)} alg ${String(alg)} crv ${String(crv)}`);
  }
  return deviceJwk(Buffer.from(x).toString('base64url'), Buffer.from(y).toString('base64url'));
}
