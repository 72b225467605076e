import { Injectable } from '@nestjs/common';
import { id_ce_keyDescription } from '@peculiar/asn1-android';
import { id_ce_cRLDistributionPoints } from '@peculiar/asn1-x509';
import { Clock } from '../../../common/clock/clock.js';
import type { RootedFormat } from '../../../config/sections/app-profiles.js';
import { BackendIdentity } from '../../common/backend-identity.js';
import { androidAssurance, androidKeyViolations } from '../android/android-key.policy.js';
import { KeyDescriptionError, readKeyDescription, type AndroidKeyFacts } from '../android/key-description.js';
import { attestationErrors } from '../attestation-errors.js';
import type { AttestationContext, WebAuthnAttestationInput } from '../attestation-input.js';
import { AttestationChallenges } from '../challenges/attestation-challenges.service.js';
import { deviceJwkFromCose, type Assurance, type AttestedKey } from '../device-key.js';
import { certificateExtensions } from '../trust/certificate-extensions.js';
import { CertificatePathError, validateCertificatePath, type ValidatedPath } from '../trust/certificate-path.js';
import { TrustAnchors } from '../trust/trust-anchors.js';
import { decodeWebAuthnAttestation, withX5c, type DecodedWebAuthnAttestation } from './webauthn-attestation.js';
import { verifyWithLibrary } from './webauthn-library.js';

const ASSURANCE: Record<string, Assurance> = { packed: 'hardware', tpm: 'hardware', 'packed-self': 'self', none: 'none' };

function pathError(error: unknown): never {
  if (!(error instanceof CertificatePathError)) throw error;
  if (error.reason === 'untrusted') throw attestationErrors.untrusted(error.message);
  if (error.reason === 'outside_validity') throw attestationErrors.certificateOutsideValidity(error.message);
  throw attestationErrors.invalid(error.message);
}

/**
 * android-key, packed (full and self), tpm and none: decode, check the format is accepted, consume the
 * challenge, validate the chain against our anchors, verify with @simplewebauthn/server, then apply
 * our policy to what the library does not look at.
 */
@Injectable()
export class WebAuthnAttestationVerifier {
  constructor(
    private readonly anchors: TrustAnchors,
    private readonly challenges: AttestationChallenges,
    private readonly identity: BackendIdentity,
    private readonly clock: Clock,
  ) {}

  async verify(input: WebAuthnAttestationInput, context: AttestationContext): Promise<AttestedKey> {
    const decoded = decodeWebAuthnAttestation(input.clientDataJson, input.attestationObject);
    if (!context.policy.formats.includes(decoded.format)) throw attestationErrors.formatNotAccepted(decoded.format, context.platform);
    await this.challenges.consume(decoded.challenge, context.profile.id, context.platform);

    let path: ValidatedPath | undefined;
    let attestationObject: Uint8Array = input.attestationObject;
    let android: AndroidKeyFacts | undefined;
    if (decoded.x5c) {
      try {
        path = validateCertificatePath(decoded.x5c, this.anchors.for(decoded.format as RootedFormat), this.clock.now());
      } catch (error) {
        pathError(error);
      }
      if (decoded.format === 'android-key') {
        android = this.readLeaf(decoded);
        // The whole chain was validated above against our anchors (also when the device left the root
        // out, or sent an expired copy of it). The library treats the last certificate of x5c as its
        // trust anchor; handing it the leaf and the leaf's issuer keeps its leaf checks, skips a second
        // validation of the upper chain, and leaves it no CRL to download but the leaf's (refused).
        attestationObject = withX5c(decoded, path!.normalised.slice(0, 2));
      }
    }

    const coseKey = await this.verifyCryptography(input, decoded, attestationObject);
    if (android) {
      const [violation] = androidKeyViolations(android, context.policy.android!);
      if (violation) throw attestationErrors.policy(violation);
    }
    if ((decoded.format === 'packed' || decoded.format === 'tpm') && context.policy.aaguids.length > 0 && !context.policy.aaguids.includes(decoded.aaguid)) {
      throw attestationErrors.policy({ rule: 'aaguid', description: `Authenticator model ${decoded.aaguid} is not accepted for this app.` });
    }
    return {
      jwk: await deviceJwkFromCose(coseKey),
      format: decoded.format,
      assurance: android ? androidAssurance(android) : ASSURANCE[decoded.format],
      evidence: this.evidence(decoded, path, android),
      attestation: Buffer.from(JSON.stringify({
        client_data_json: input.clientDataJson.toString('base64url'),
        attestation_object: input.attestationObject.toString('base64url'),
      })),
    };
  }

  /** Signature, challenge, origin, RP ID and format rules, by @simplewebauthn/server; returns the COSE key. */
  private async verifyCryptography(input: WebAuthnAttestationInput, decoded: DecodedWebAuthnAttestation, attestationObject: Uint8Array): Promise<Uint8Array> {
    try {
      const result = await verifyWithLibrary({
        clientDataJson: input.clientDataJson,
        attestationObject,
        credentialId: decoded.credentialId,
        challenge: decoded.challenge,
        origin: this.identity.publicUrl,
        rpId: this.identity.rpId,
      });
      if (!result.verified) throw new Error('the library did not verify the attestation');
      return result.registrationInfo.credential.publicKey;
    } catch (error) {
      throw attestationErrors.invalid(`@simplewebauthn/server: ${(error as Error).message}`, error);
    }
  }

  /** The KeyDescription of the leaf, after refusing a leaf that names CRL distribution points. */
  private readLeaf(decoded: DecodedWebAuthnAttestation): AndroidKeyFacts {
    let extensions;
    try {
      extensions = certificateExtensions(decoded.x5c![0]);
    } catch (error) {
      throw attestationErrors.invalid(`leaf certificate does not parse: ${(error as Error).message}`);
    }
    // Keystore never writes CRL distribution points into the leaf, but a leaked attestation key could,
    // and the library downloads every CRL it finds in an android-key chain: refuse before it runs.
    if (extensions.has(id_ce_cRLDistributionPoints)) {
      throw attestationErrors.policy({ rule: 'leaf_crl_distribution_point', description: 'The attestation leaf certificate must not name CRL distribution points.' });
    }
    try {
      return readKeyDescription(extensions.get(id_ce_keyDescription)?.value);
    } catch (error) {
      if (error instanceof KeyDescriptionError) throw attestationErrors.invalid(error.message);
      throw error;
    }
  }

  private evidence(decoded: DecodedWebAuthnAttestation, path: ValidatedPath | undefined, android: AndroidKeyFacts | undefined): Record<string, unknown> {
    const base = { fmt: decoded.fmt, aaguid: decoded.aaguid, credential_id: decoded.credentialId, root: path?.anchor.label };
    if (!android) return { ...base, attestation_certificate: path ? path.chain[0].subject?.replace(/\n/g, ', ') || '(empty subject)' : undefined };
    return {
      ...base,
      attestation_security_level: android.attestationSecurityLevel,
      keymaster_security_level: android.keymasterSecurityLevel,
      attestation_version: android.attestationVersion,
      package_names: android.packageNames,
      signature_digests: android.signatureDigests,
      verified_boot_state: android.verifiedBootState,
      device_locked: android.deviceLocked,
      os_patch_level: android.osPatchLevel,
    };
  }
}
