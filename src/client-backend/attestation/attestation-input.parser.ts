import { ApiError } from '../../common/errors/protocol-error.js';
import type { AttestationInput } from './attestation-input.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64_ANY = /^[A-Za-z0-9+/_-]+={0,2}$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const WEBAUTHN_MEMBERS = ['type', 'client_data_json', 'attestation_object'];
const APP_ATTEST_MEMBERS = ['type', 'key_id', 'attestation_object', 'client_data', 'public_key', 'proof'];

function invalid(message: string): ApiError {
  return new ApiError(400, 'invalid_request', message);
}

function encoded(raw: Record<string, unknown>, member: string, pattern: RegExp, maxLength: number, what = 'a base64url string'): string {
  const value = raw[member];
  if (typeof value !== 'string' || value.length === 0) throw invalid(`attestation.${member} must be ${what}`);
  if (value.length > maxLength) throw invalid(`attestation.${member} must be at most ${maxLength} characters`);
  if (!pattern.test(value)) throw invalid(`attestation.${member} must be ${what}`);
  return value;
}

function onlyMembers(raw: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalid(`attestation.${unknown} is not a member of a ${String(raw.type)} attestation`);
}

/**
 * The `attestation` member of a registration or rotation request, discriminated by `type`:
 * `webauthn` (client_data_json, attestation_object) or `apple-appattest` (key_id, attestation_object,
 * client_data, public_key, proof). Binary members are base64url; sizes are capped before decoding.
 */
export function parseAttestationInput(raw: unknown): AttestationInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('attestation must be a JSON object');
  const object = raw as Record<string, unknown>;
  if (object.type === 'webauthn') {
    onlyMembers(object, WEBAUTHN_MEMBERS);
    return {
      type: 'webauthn',
      clientDataJson: Buffer.from(encoded(object, 'client_data_json', BASE64URL, 4096), 'base64url'),
      attestationObject: Buffer.from(encoded(object, 'attestation_object', BASE64URL, 32_768), 'base64url'),
    };
  }
  if (object.type === 'apple-appattest') {
    onlyMembers(object, APP_ATTEST_MEMBERS);
    const publicKey = object.public_key;
    if (!publicKey || typeof publicKey !== 'object' || Array.isArray(publicKey)) throw invalid('attestation.public_key must be a JWK object');
    return {
      type: 'apple-appattest',
      keyId: encoded(object, 'key_id', BASE64_ANY, 64, 'a base64 key identifier'),
      attestationObject: Buffer.from(encoded(object, 'attestation_object', BASE64URL, 32_768), 'base64url'),
      clientData: Buffer.from(encoded(object, 'client_data', BASE64URL, 2048), 'base64url'),
      publicKey: publicKey as Record<string, unknown>,
      proof: encoded(object, 'proof', COMPACT_JWS, 4096, 'a compact JWS'),
    };
  }
  throw invalid('attestation.type must be webauthn or apple-appattest');
}
