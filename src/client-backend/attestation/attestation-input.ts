import type { AppProfile, Platform, PlatformPolicy } from '../../config/sections/app-profiles.js';

/** A WebAuthn-shaped attestation (android-key, packed, tpm, none) built around the device key. */
export interface WebAuthnAttestationInput {
  readonly type: 'webauthn';
  readonly clientDataJson: Buffer;
  readonly attestationObject: Buffer;
}

/**
 * Apple App Attest: the App Attest key vouches for a separate Secure Enclave signing key, whose JWK
 * thumbprint the client data commits to, and which proves possession by signing `proof`.
 */
export interface AppAttestInput {
  readonly type: 'apple-appattest';
  /** DCAppAttestService key identifier (base64 or base64url of SHA-256 of the App Attest public key). */
  readonly keyId: string;
  readonly attestationObject: Buffer;
  /** The bytes whose SHA-256 the app passed to attestKey: JSON `{"challenge","jkt"}`. */
  readonly clientData: Buffer;
  readonly publicKey: Readonly<Record<string, unknown>>;
  /** Compact JWS by the Secure Enclave key over `{ aud, challenge, iat }`. */
  readonly proof: string;
}

export type AttestationInput = WebAuthnAttestationInput | AppAttestInput;

/** Which app, platform and policy the attestation is judged against. */
export interface AttestationContext {
  readonly profile: AppProfile;
  readonly platform: Platform;
  readonly policy: PlatformPolicy;
}
