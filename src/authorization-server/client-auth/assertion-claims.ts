import type { JWK, JWTHeaderParameters, JWTPayload } from 'jose';

/** Asymmetric algorithms accepted for client assertions; `none` and HMAC never (RFC 7523 section 3 item 9). */
export const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** RFC 10070 (RFC 7523bis): the explicit type clients SHOULD use. Untyped (and generic JWT) stays accepted. */
export const CLIENT_ASSERTION_TYPE_HEADER = 'client-authentication+jwt';
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const MAX_JTI_LENGTH = 256;

export interface AssertionRules {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly acceptTokenEndpointAudience: boolean;
  readonly nowSeconds: number;
  readonly skewSeconds: number;
  readonly maxLifetimeSeconds: number;
}

export interface AssertionIdentity {
  readonly clientId: string;
  readonly jti: string;
  readonly exp: number;
}

/** A reason, for the log only: every failure becomes the same invalid_client on the wire. */
export class AssertionRejected extends Error {}

export function checkAssertionHeader(header: JWTHeaderParameters): AssertionAlgorithm {
  if (!(ASSERTION_ALGORITHMS as readonly string[]).includes(header.alg)) {
    throw new AssertionRejected(`assertion alg ${String(header.alg)} is not allowed`);
  }
  // RFC 10070: servers should not require the explicit type, but a different explicit type (an access
  // token, a DPoP proof, an attestation PoP) must not be accepted as a client assertion.
  const typ = header.typ?.toLowerCase();
  if (typ !== undefined && typ !== CLIENT_ASSERTION_TYPE_HEADER && typ !== 'jwt') {
    throw new AssertionRejected(`assertion typ ${header.typ} is not a client assertion`);
  }
  if (header.crit !== undefined) throw new AssertionRejected('assertion carries crit header parameters');
  return header.alg as AssertionAlgorithm;
}

/**
 * RFC 7523 section 3 as updated by RFC 10070: iss = sub = client_id; aud is the AS issuer as its only
 * value; exp required and not too far ahead; nbf and iat not in the future; jti required (single use is
 * enforced by the replay store after the signature is verified).
 */
export function checkAssertionClaims(payload: JWTPayload, rules: AssertionRules): AssertionIdentity {
  const { iss, sub, aud, exp, nbf, iat, jti } = payload;
  if (typeof iss !== 'string' || typeof sub !== 'string') throw new AssertionRejected('iss and sub must be strings');
  if (iss !== sub) throw new AssertionRejected('iss and sub differ');

  const audiences = Array.isArray(aud) ? aud : [aud];
  const acceptable = (value: unknown) =>
    value === rules.issuer || (rules.acceptTokenEndpointAudience && value === rules.tokenEndpoint);
  // RFC 10070: the audience is the issuer identifier as the sole value (a string or a one-element array).
  if (audiences.length !== 1 || !acceptable(audiences[0])) throw new AssertionRejected(`aud ${JSON.stringify(aud)} is not the issuer`);

  const now = rules.nowSeconds;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new AssertionRejected('exp is missing');
  if (exp <= now - rules.skewSeconds) throw new AssertionRejected('assertion has expired');
  if (exp > now + rules.maxLifetimeSeconds + rules.skewSeconds) throw new AssertionRejected('exp is too far in the future');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + rules.skewSeconds)) throw new AssertionRejected('nbf is in the future');
  if (iat !== undefined) {
    if (typeof iat !== 'number' || iat > now + rules.skewSeconds) throw new AssertionRejected('iat is in the future');
    if (iat < now - rules.maxLifetimeSeconds - rules.skewSeconds) throw new AssertionRejected('iat is too old');
  }
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw new AssertionRejected('jti is missing or too long');
  return { clientId: iss, jti, exp };
}

/** RFC 7518: pin the algorithm to the key type, so an RSA key can't verify an EC-labelled signature. */
export function keyFitsAlgorithm(key: JWK, alg: AssertionAlgorithm): boolean {
  if (key.use !== undefined && key.use !== 'sig') return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  if (key.key_ops !== undefined && !key.key_ops.includes('verify')) return false;
  switch (alg) {
    case 'ES256':
      return key.kty === 'EC' && key.crv === 'P-256';
    case 'ES384':
      return key.kty === 'EC' && key.crv === 'P-384';
    case 'EdDSA':
      return key.kty === 'OKP' && key.crv === 'Ed25519';
    case 'PS256':
    case 'RS256':
      return key.kty === 'RSA';
  }
}
