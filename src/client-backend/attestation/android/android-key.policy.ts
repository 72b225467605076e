import type { AndroidPolicy } from '../../../config/sections/app-profiles.js';
import type { PolicyViolation } from '../policy-violation.js';
import type { AndroidKeyFacts, SecurityLevelName } from './key-description.js';

const RANK: Record<SecurityLevelName, number> = { Software: 0, TrustedEnvironment: 1, StrongBox: 2 };

// Keymaster / KeyMint tag values (hardware/interfaces/security/keymint/aidl/.../Tag.aidl and friends).
const KM_ORIGIN_GENERATED = 0;
const KM_PURPOSE_SIGN = 2;
const KM_ALGORITHM_EC = 3;
const KM_EC_CURVE_P_256 = 1;

/**
 * Our rules on top of the library, which only checks the challenge binding and `allApplications`.
 * Key properties come from the hardware-enforced authorization list (a key whose origin or purpose
 * is only software-enforced is not a hardware key); the app identity from attestationApplicationId.
 */
export function androidKeyViolations(facts: AndroidKeyFacts, policy: AndroidPolicy): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const add = (rule: string, description: string) => violations.push({ rule, description });
  const weakest = RANK[facts.attestationSecurityLevel] <= RANK[facts.keymasterSecurityLevel] ? facts.attestationSecurityLevel : facts.keymasterSecurityLevel;
  if (RANK[weakest] < RANK[policy.minSecurityLevel]) {
    add('security_level', `The key is protected at security level ${weakest}; this app requires ${policy.minSecurityLevel} (a software-backed key is never accepted).`);
  }
  if (facts.origin !== KM_ORIGIN_GENERATED) {
    add('key_origin', 'The key was not generated inside the secure hardware (hardware-enforced origin GENERATED is required).');
  }
  if (!facts.purposes.includes(KM_PURPOSE_SIGN)) add('key_purpose', 'The key is not restricted to signing by the secure hardware (purpose SIGN).');
  if (facts.algorithm !== KM_ALGORITHM_EC || facts.ecCurve !== KM_EC_CURVE_P_256) {
    add('key_algorithm', 'The secure hardware does not attest an EC P-256 key.');
  }
  if (facts.allApplications) add('all_applications', 'The key is usable by all applications (allApplications); it must be bound to this app.');
  if (facts.packageNames.length === 0 || !facts.packageNames.every((name) => policy.packageNames.includes(name))) {
    add('package_name', `The attested package (${facts.packageNames.join(', ') || 'none'}) is not one of this app's package names.`);
  }
  if (facts.signatureDigests.length === 0 || !facts.signatureDigests.every((digest) => policy.signingCertDigests.includes(digest))) {
    add('signing_certificate', 'The attested app signing certificate is not one of this app\'s signing certificates.');
  }
  if (policy.requireVerifiedBoot && facts.verifiedBootState !== 'Verified') {
    add('verified_boot', `The device did not boot a verified system (verified boot state ${facts.verifiedBootState ?? 'missing'}).`);
  }
  if (policy.requireDeviceLocked && facts.deviceLocked !== true) add('device_locked', 'The device bootloader is unlocked.');
  if (policy.minOsPatchLevel !== undefined && (facts.osPatchLevel === undefined || facts.osPatchLevel < policy.minOsPatchLevel)) {
    add('os_patch_level', `The device's security patch level (${facts.osPatchLevel ?? 'missing'}) is older than ${policy.minOsPatchLevel}.`);
  }
  return violations;
}

/** StrongBox when both the attestation and the key live in StrongBox, otherwise TEE-backed hardware. */
export function androidAssurance(facts: AndroidKeyFacts): 'strongbox' | 'hardware' {
  return facts.attestationSecurityLevel === 'StrongBox' && facts.keymasterSecurityLevel === 'StrongBox' ? 'strongbox' : 'hardware';
}
