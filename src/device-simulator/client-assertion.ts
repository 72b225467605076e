import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

export interface ClientAssertionOptions {
  /** The device's private JWK (with `kid`). */
  readonly privateJwk: JWK;
  /** The install's client_id (its metadata document URL). */
  readonly clientId: string;
  /** The authorization server's issuer identifier, exactly (RFC 10070: the only accepted audience). */
  readonly audience: string;
  readonly lifetimeSeconds?: number;
  /** Seconds since the epoch; defaults to now. */
  readonly now?: number;
}

/**
 * A private_key_jwt client assertion (RFC 7523 section 3 as updated by RFC 10070): typ
 * client-authentication+jwt, ES256 with the device key's kid, iss = sub = client_id, aud = the AS
 * issuer, short exp, fresh jti.
 */
export async function signClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const key = await importJWK(options.privateJwk, 'ES256');
  return new SignJWT({ jti: randomBytes(16).toString('base64url') })
    .setProtectedHeader({ alg: 'ES256', typ: 'client-authentication+jwt', kid: options.privateJwk.kid })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 60))
    .sign(key);
}
