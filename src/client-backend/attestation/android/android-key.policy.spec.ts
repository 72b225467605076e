import type { AndroidPolicy } from '../../../config/sections/app-profiles.js';
import { androidAssurance, androidKeyViolations } from './android-key.policy.js';
import type { AndroidKeyFacts } from './key-description.js';

const POLICY: AndroidPolicy = {
  packageNames: ['com.example.app'],
  signingCertDigests: ['aa'.repeat(32)],
  minSecurityLevel: 'TrustedEnvironment',
  requireVerifiedBoot: true,
  requireDeviceLocked: true,
  minOsPatchLevel: 202601,
};
const GOOD: AndroidKeyFacts = {
  attestationVersion: 200,
  attestationSecurityLevel: 'TrustedEnvironment',
  keymasterSecurityLevel: 'TrustedEnvironment',
  attestationChallenge: Buffer.alloc(32),
  origin: 0,
  purposes: [2, 3],
  algorithm: 3,
  ecCurve: 1,
  allApplications: false,
  packageNames: ['com.example.app'],
  signatureDigests: ['aa'.repeat(32)],
  verifiedBootState: 'Verified',
  deviceLocked: true,
  osPatchLevel: 202609,
};

describe('androidKeyViolations', () => {
  it('accepts a generated, sign-only EC P-256 TEE key of the app on a locked, verified, patched device', () => {
    expect(androidKeyViolations(GOOD, POLICY)).toEqual([]);
  });

  it.each<[string, Partial<AndroidKeyFacts>, Partial<AndroidPolicy>, string]>([
    ['Software attestation', { attestationSecurityLevel: 'Software' }, {}, 'security_level'],
    ['Software key', { keymasterSecurityLevel: 'Software' }, {}, 'security_level'],
    ['TEE where StrongBox is required', {}, { minSecurityLevel: 'StrongBox' }, 'security_level'],
    ['imported key', { origin: 2 }, {}, 'key_origin'],
    ['origin not hardware-enforced', { origin: undefined }, {}, 'key_origin'],
    ['no SIGN purpose', { purposes: [3] }, {}, 'key_purpose'],
    ['RSA key', { algorithm: 1 }, {}, 'key_algorithm'],
    ['P-384 key', { ecCurve: 2 }, {}, 'key_algorithm'],
    ['allApplications', { allApplications: true }, {}, 'all_applications'],
    ['another package', { packageNames: ['com.evil'] }, {}, 'package_name'],
    ['a shared UID with one foreign package', { packageNames: ['com.example.app', 'com.evil'] }, {}, 'package_name'],
    ['no package at all', { packageNames: [] }, {}, 'package_name'],
    ['another signing certificate', { signatureDigests: ['bb'.repeat(32)] }, {}, 'signing_certificate'],
    ['no signing certificate', { signatureDigests: [] }, {}, 'signing_certificate'],
    ['self-signed boot', { verifiedBootState: 'SelfSigned' }, {}, 'verified_boot'],
    ['no root of trust', { verifiedBootState: undefined, deviceLocked: undefined }, { requireDeviceLocked: false }, 'verified_boot'],
    ['unlocked bootloader', { deviceLocked: false }, {}, 'device_locked'],
    ['old patch level', { osPatchLevel: 202512 }, {}, 'os_patch_level'],
    ['no patch level', { osPatchLevel: undefined }, {}, 'os_patch_level'],
  ])('refuses %s', (_name, facts, policy, rule) => {
    expect(androidKeyViolations({ ...GOOD, ...facts }, { ...POLICY, ...policy }).map((violation) => violation.rule)).toEqual([rule]);
  });

  it('does not require boot state, lock or patch level when the profile does not', () => {
    const relaxed = { ...POLICY, requireVerifiedBoot: false, requireDeviceLocked: false, minOsPatchLevel: undefined };
    expect(androidKeyViolations({ ...GOOD, verifiedBootState: 'Unverified', deviceLocked: false, osPatchLevel: undefined }, relaxed)).toEqual([]);
  });

  it('labels StrongBox only when both the attestation and the key are in StrongBox', () => {
    expect(androidAssurance({ ...GOOD, attestationSecurityLevel: 'StrongBox', keymasterSecurityLevel: 'StrongBox' })).toBe('strongbox');
    expect(androidAssurance({ ...GOOD, attestationSecurityLevel: 'StrongBox' })).toBe('hardware');
    expect(androidAssurance(GOOD)).toBe('hardware');
  });
});
