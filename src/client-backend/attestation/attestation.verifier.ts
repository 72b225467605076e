import { Injectable } from '@nestjs/common';
import { AppAttestVerifier } from './apple/app-attest.verifier.js';
import type { AttestationContext, AttestationInput } from './attestation-input.js';
import type { AttestedKey } from './device-key.js';
import { WebAuthnAttestationVerifier } from './webauthn/webauthn-attestation.verifier.js';

/** Verifies a device's key attestation against the app profile's policy for its platform. */
@Injectable()
export class AttestationVerifier {
  constructor(
    private readonly webauthn: WebAuthnAttestationVerifier,
    private readonly appAttest: AppAttestVerifier,
  ) {}

  verify(input: AttestationInput, context: AttestationContext): Promise<AttestedKey> {
    return input.type === 'webauthn' ? this.webauthn.verify(input, context) : this.appAttest.verify(input, context);
  }
}
