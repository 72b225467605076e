import { createHash, type X509Certificate } from 'node:crypto';
import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { IosPolicy } from '../../../config/sections/app-profiles.js';
import type { PolicyViolation } from '../policy-violation.js';
import { certificateExtensions } from '../trust/certificate-extensions.js';

/** Apple's OID for the App Attest nonce extension of the credential certificate. */
export const APP_ATTEST_NONCE_OID = '1.2.840.113635.100.8.2';
/** The nonce extension value: SEQUENCE { [1] EXPLICIT OCTET STRING (32 bytes) }. */
const NONCE_PREFIX = Buffer.from('3024a1220420', 'hex');
/** AAGUIDs: "appattestdevelop", or "appattest" followed by seven zero bytes (production). */
export const APP_ATTEST_AAGUID_DEVELOPMENT = Buffer.from('appattestdevelop', 'ascii');
export const APP_ATTEST_AAGUID_PRODUCTION = Buffer.concat([Buffer.from('appattest', 'ascii'), Buffer.alloc(7)]);

export interface DecodedAppAttest {
  readonly x5c: readonly Uint8Array[];
  readonly authData: Uint8Array;
}

export class AppAttestError extends Error {
  override readonly name = 'AppAttestError';
}

/** fmt "apple-appattest" with attStmt { x5c: [credCert, intermediate], receipt }. */
export function decodeAppAttest(attestationObject: Uint8Array): DecodedAppAttest {
  let decoded;
  try {
    decoded = decodeAttestationObject(new Uint8Array(attestationObject));
  } catch (error) {
    throw new AppAttestError(`attestation_object does not decode: ${(error as Error).message}`);
  }
  const fmt = decoded.get('fmt') as string;
  const x5c = decoded.get('attStmt')?.get('x5c');
  const authData = decoded.get('authData');
  if (fmt !== 'apple-appattest') throw new AppAttestError(`fmt is ${String(fmt)}, not apple-appattest`);
  if (!Array.isArray(x5c) || x5c.length < 2 || !x5c.every((item) => item instanceof Uint8Array)) throw new AppAttestError('x5c must hold the credential certificate and its CA');
  if (!(authData instanceof Uint8Array)) throw new AppAttestError('authData is missing');
  return { x5c, authData };
}

export interface AppAttestFacts {
  readonly appId: string;
  readonly environment: 'production' | 'development';
  readonly keyId: string;
}

/**
 * The checks Apple documents for validating an App Attest attestation ("Validating apps that connect to
 * your server", steps 2-9), with the full 16-byte AAGUID (a library we tried compares only 9 bytes and
 * so takes a development attestation for a production one). Returns the facts, or throws AppAttestError
 * (malformed or not matching) / returns a policy violation (app id, environment).
 */
export function checkAppAttestStatement(
  decoded: DecodedAppAttest,
  credentialCertificate: X509Certificate,
  clientData: Uint8Array,
  keyId: Buffer,
  policy: IosPolicy,
): AppAttestFacts | PolicyViolation {
  const sha256 = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  // Steps 2-4: nonce = SHA-256(authData || SHA-256(clientData)) equals the certificate's nonce extension.
  const value = Buffer.from(certificateExtensions(decoded.x5c[0]).get(APP_ATTEST_NONCE_OID)?.value ?? []);
  if (value.length !== 38 || !value.subarray(0, 6).equals(NONCE_PREFIX)) throw new AppAttestError('the credential certificate has no well-formed nonce extension');
  if (!value.subarray(6).equals(sha256(decoded.authData, sha256(clientData)))) throw new AppAttestError('nonce does not match authData and client data');
  // Step 5: the key identifier is SHA-256 of the credential certificate's public key (uncompressed point).
  const jwk = credentialCertificate.publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new AppAttestError('the credential certificate key is not P-256');
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  if (!sha256(point).equals(keyId)) throw new AppAttestError('key_id is not the hash of the credential certificate key');
  let parsed;
  try {
    parsed = parseAuthenticatorData(new Uint8Array(decoded.authData));
  } catch (error) {
    throw new AppAttestError(`authData does not parse: ${(error as Error).message}`);
  }
  // Step 7: the counter is 0. Step 9: the credential id is the key identifier.
  if (parsed.counter !== 0) throw new AppAttestError(`counter is ${parsed.counter}, not 0`);
  if (!parsed.credentialID || !Buffer.from(parsed.credentialID).equals(keyId)) throw new AppAttestError('credential id is not key_id');
  // Step 6: rpIdHash is SHA-256 of the App ID (team id + bundle id).
  const appId = policy.appIds.find((candidate) => sha256(Buffer.from(candidate, 'utf8')).equals(Buffer.from(parsed.rpIdHash)));
  if (!appId) return { rule: 'app_id', description: 'The attestation was made for an App ID this app does not ship.' };
  // Step 8: all 16 bytes of the AAGUID.
  const aaguid = Buffer.from(parsed.aaguid ?? []);
  const environment = aaguid.equals(APP_ATTEST_AAGUID_PRODUCTION) ? 'production' : aaguid.equals(APP_ATTEST_AAGUID_DEVELOPMENT) ? 'development' : undefined;
  if (!environment) throw new AppAttestError('AAGUID is neither the App Attest production nor development value');
  if (environment === 'development' && !policy.allowDevelopmentEnvironment) {
    return { rule: 'app_attest_environment', description: 'A development-environment App Attest attestation is not accepted for this app.' };
  }
  return { appId, environment, keyId: keyId.toString('base64') };
}
