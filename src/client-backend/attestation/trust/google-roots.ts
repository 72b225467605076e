import { SettingsService } from '@simplewebauthn/server';

/**
 * The Google Hardware Attestation roots bundled with @simplewebauthn/server, captured when this module
 * is first evaluated (before webauthn-library.ts pins the library's own root lists). They are four
 * certificates of one RSA key; the oldest has expired, which is harmless because anchors are matched
 * by name and key. Google's newer "Key Attestation CA1" root is not bundled and must be configured.
 */
const BUNDLED_PEM: readonly string[] = [...SettingsService.getRootCertificates({ identifier: 'android-key' })];

export function googleHardwareAttestationRoots(): Buffer[] {
  return BUNDLED_PEM.map((pem) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64'));
}
