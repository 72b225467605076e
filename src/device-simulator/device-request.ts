import { randomBytes } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';

export const DEVICE_REQUEST_TYP = 'device-request+jwt';

export interface DeviceRequestOptions {
  readonly privateJwk: JWK;
  readonly clientId: string;
  /** The backend's public URL: the audience, and the origin of `htu`. */
  readonly backendUrl: string;
  readonly method: string;
  /** Path of the request, e.g. `/v1/installs/<id>`. */
  readonly path: string;
  readonly lifetimeSeconds?: number;
  readonly now?: number;
  readonly jti?: string;
}

/** `Authorization: DeviceJWT <this>` for a lifecycle request (key rotation, deletion) of the install. */
export async function signDeviceRequest(options: DeviceRequestOptions): Promise<string> {
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const key = await importJWK(options.privateJwk, 'ES256');
  return new SignJWT({
    jti: options.jti ?? randomBytes(16).toString('base64url'),
    htm: options.method,
    htu: `${options.backendUrl}${options.path}`,
  })
    .setProtectedHeader({ alg: 'ES256', typ: DEVICE_REQUEST_TYP, kid: options.privateJwk.kid })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.backendUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 120))
    .sign(key);
}
