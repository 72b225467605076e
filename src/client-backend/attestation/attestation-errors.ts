import { ApiError } from '../../common/errors/protocol-error.js';
import type { PolicyViolation } from './policy-violation.js';

/**
 * The client backend's registration errors: a stable code, a public description that tells an app
 * developer what to fix, and the exact reason in `detail` for the log.
 */
export const attestationErrors = {
  unknownProfile: (profileId: string) =>
    new ApiError(400, 'unknown_profile', 'There is no app profile with this profile_id.', { detail: `unknown profile ${JSON.stringify(profileId)}` }),

  unsupportedPlatform: (profileId: string, platform: string) =>
    new ApiError(400, 'unsupported_platform', 'This app is not offered on this platform.', { detail: `profile ${profileId} has no ${platform} platform` }),

  challengeUnknown: (detail: string) =>
    new ApiError(400, 'invalid_challenge', 'The challenge is unknown or was already used. Request a new challenge.', { detail }),

  challengeExpired: (detail: string) =>
    new ApiError(400, 'invalid_challenge', 'The challenge has expired. Request a new challenge.', { detail }),

  challengeMismatch: (detail: string) =>
    new ApiError(400, 'invalid_challenge', 'The challenge was issued for another app profile or platform.', { detail }),

  formatUnsupported: (fmt: string) =>
    new ApiError(400, 'unsupported_format', `Attestation format ${fmt} is not supported by this backend.`, { detail: `fmt ${fmt}` }),

  formatNotAccepted: (format: string, platform: string) =>
    new ApiError(400, 'unsupported_format', `Attestation format ${format} is not accepted for ${platform} installs of this app.`, {
      detail: `format ${format} not allowed`,
    }),

  invalid: (detail: string, cause?: unknown) =>
    new ApiError(400, 'invalid_attestation', 'The attestation could not be verified.', { detail, cause }),

  untrusted: (detail: string) =>
    new ApiError(400, 'untrusted_attestation', 'The attestation certificate chain does not lead to a trusted root.', { detail }),

  certificateOutsideValidity: (detail: string) =>
    new ApiError(400, 'untrusted_attestation', 'A certificate in the attestation chain is expired or not yet valid.', { detail }),

  policy: (violation: PolicyViolation) =>
    new ApiError(400, 'attestation_policy_violation', violation.description, {
      detail: `policy rule ${violation.rule}`,
      extra: { policy_rule: violation.rule },
    }),

  unsupportedKey: (detail: string) =>
    new ApiError(400, 'unsupported_key', 'The device key must be an EC P-256 key used with ES256.', { detail }),

  keyAlreadyRegistered: (kid: string) =>
    new ApiError(409, 'key_already_registered', 'This device key is already bound to an install. Generate a new key.', { detail: `kid ${kid} exists` }),

  assuranceDowngrade: (from: string, to: string) =>
    new ApiError(400, 'assurance_downgrade', `A rotated key must be attested at least as strongly as the current one (${from}); this one is ${to}.`, {
      detail: `downgrade ${from} -> ${to}`,
    }),
};
