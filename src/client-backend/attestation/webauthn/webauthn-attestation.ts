import { decodeAttestationObject, isoCBOR, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { AttestationFormat } from '../../../config/sections/app-profiles.js';
import { attestationErrors } from '../attestation-errors.js';

/** The parts of a WebAuthn-shaped attestation the policy needs before and after the library runs. */
export interface DecodedWebAuthnAttestation {
  readonly fmt: string;
  readonly format: AttestationFormat;
  readonly attStmt: Map<string, unknown>;
  readonly authData: Uint8Array;
  readonly x5c?: readonly Uint8Array[];
  readonly credentialId: string;
  readonly aaguid: string;
  readonly challenge: string;
}

const FORMAT_BY_FMT: Record<string, AttestationFormat | undefined> = { 'android-key': 'android-key', tpm: 'tpm', none: 'none' };

function aaguidString(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The challenge from clientDataJSON (W3C WebAuthn section 5.8.1), read before the library verifies it. */
function challengeOf(clientDataJson: Uint8Array): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(clientDataJson).toString('utf8'));
  } catch {
    throw attestationErrors.invalid('client_data_json is not JSON');
  }
  const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
  if (typeof challenge !== 'string') throw attestationErrors.invalid('client_data_json has no challenge');
  return challenge;
}

/**
 * Decodes the attestation object and names its format in our terms: `packed` with an x5c chain is
 * full attestation, `packed` without one is self attestation. Formats we never accept (fido-u2f,
 * android-safetynet, apple passkeys) are refused here.
 */
export function decodeWebAuthnAttestation(clientDataJson: Uint8Array, attestationObject: Uint8Array): DecodedWebAuthnAttestation {
  let fmt: string;
  let attStmt: Map<string, unknown>;
  let authData: Uint8Array;
  try {
    const decoded = decodeAttestationObject(new Uint8Array(attestationObject));
    fmt = decoded.get('fmt');
    attStmt = decoded.get('attStmt') as unknown as Map<string, unknown>;
    authData = decoded.get('authData');
  } catch (error) {
    throw attestationErrors.invalid(`attestation_object does not decode: ${(error as Error).message}`, error);
  }
  if (typeof fmt !== 'string' || !(attStmt instanceof Map) || !(authData instanceof Uint8Array)) {
    throw attestationErrors.invalid('attestation_object lacks fmt, attStmt or authData');
  }
  const x5c = attStmt.get('x5c');
  if (x5c !== undefined && !(Array.isArray(x5c) && x5c.length > 0 && x5c.every((item) => item instanceof Uint8Array))) {
    throw attestationErrors.invalid('x5c is not a non-empty array of certificates');
  }
  const format = fmt === 'packed' ? (x5c ? 'packed' : 'packed-self') : FORMAT_BY_FMT[fmt];
  if (!format) throw attestationErrors.formatUnsupported(fmt);
  let parsed;
  try {
    parsed = parseAuthenticatorData(new Uint8Array(authData));
  } catch (error) {
    throw attestationErrors.invalid(`authData does not parse: ${(error as Error).message}`, error);
  }
  if (!parsed.credentialID || !parsed.aaguid) throw attestationErrors.invalid('authData has no attested credential data');
  return {
    fmt,
    format,
    attStmt,
    authData,
    x5c: x5c as Uint8Array[] | undefined,
    credentialId: Buffer.from(parsed.credentialID).toString('base64url'),
    aaguid: aaguidString(parsed.aaguid),
    challenge: challengeOf(clientDataJson),
  };
}

/** Re-encodes the attestation object with another x5c. `sig` covers authData and the client data hash, not attStmt. */
export function withX5c(decoded: DecodedWebAuthnAttestation, x5c: readonly Uint8Array[]): Uint8Array {
  const attStmt = new Map(decoded.attStmt);
  attStmt.set('x5c', x5c.map((der) => new Uint8Array(der)));
  return isoCBOR.encode(
    new Map<string, unknown>([
      ['fmt', decoded.fmt],
      ['attStmt', attStmt],
      ['authData', decoded.authData],
    ]) as never,
  );
}
