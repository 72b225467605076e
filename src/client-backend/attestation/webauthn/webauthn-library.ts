import '../trust/google-roots.js';
import {
  SettingsService,
  verifyRegistrationResponse,
  type VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { COSEALG } from '@simplewebauthn/server/helpers';

/** Formats whose chain the library could check against its process-global root lists. */
const LIBRARY_ROOTED_FORMATS = ['android-key', 'packed', 'tpm'] as const;

export interface LibraryVerification {
  readonly clientDataJson: Uint8Array;
  /** Already normalised (android-key: x5c ends in the configured anchor). */
  readonly attestationObject: Uint8Array;
  readonly credentialId: string;
  readonly challenge: string;
  readonly origin: string;
  readonly rpId: string;
}

/**
 * The one place that calls @simplewebauthn/server and touches its process-global SettingsService.
 *
 * Chains are validated by certificate-path.ts against this backend's own anchors BEFORE this call, so
 * the library's root lists are pinned empty on every call: trust anchors stay per backend and per
 * format, matched by name and key, checked on the injected clock; the library never compares against
 * its outdated bundled Google roots; and with no roots, packed and tpm never reach the library's CRL
 * download code. For android-key the library sees only the leaf and its issuer, and a leaf naming CRL
 * distribution points is refused before this call, so it has nothing to download either.
 * MetadataService is never initialised (it would fetch FIDO MDS from the network).
 */
export async function verifyWithLibrary(input: LibraryVerification): Promise<VerifiedRegistrationResponse> {
  for (const identifier of LIBRARY_ROOTED_FORMATS) SettingsService.setRootCertificates({ identifier, certificates: [] });
  return verifyRegistrationResponse({
    response: {
      id: input.credentialId,
      rawId: input.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: Buffer.from(input.clientDataJson).toString('base64url'),
        attestationObject: Buffer.from(input.attestationObject).toString('base64url'),
      },
      clientExtensionResults: {},
    },
    expectedChallenge: input.challenge,
    expectedOrigin: input.origin,
    // Always set: without it the library does not check the RP ID hash at all.
    expectedRPID: input.rpId,
    // Device keystore keys are not gated on user presence or verification; the flags are app-asserted.
    requireUserPresence: false,
    requireUserVerification: false,
    supportedAlgorithmIDs: [COSEALG.ES256],
  });
}
