import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { decodeWebAuthnAttestation } from '../../src/client-backend/attestation/webauthn/webauthn-attestation.js';
import { verifyWithLibrary } from '../../src/client-backend/attestation/webauthn/webauthn-library.js';
import { DEMO_ANDROID_PACKAGE, DEMO_SIGNING_CERT_DIGEST } from '../../src/config/sections/demo-app-profile.js';
import { buildAndroidKeyAttestation } from '../../src/device-simulator/attestation/android-key.js';
import { generateDeviceKey } from '../../src/device-simulator/device-key.js';

/**
 * The ceiling that @simplewebauthn/server puts on install registrations: its verifyRegistrationResponse
 * alone, called back to back on one android-key attestation shaped as the server hands it over (leaf
 * and issuer), on one core, with no HTTP, database or policy around it. Prints one JSON line.
 */
const SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 3);
const dataDir = mkdtempSync(join(tmpdir(), 'acimd-ceiling-'));
try {
  const ca = await loadOrCreateDevelopmentCa(dataDir);
  const key = await generateDeviceKey();
  const challenge = 'bench-ceiling-challenge-0123456789';
  const origin = 'http://127.0.0.1:3100';
  const built = await buildAndroidKeyAttestation({
    deviceKey: key.pair,
    challenge,
    rpId: '127.0.0.1',
    origin,
    issuer: ca.intermediate,
    chain: [new Uint8Array(ca.intermediate.certificate.rawData)],
    keyDescription: { origin: 0, packageNames: [DEMO_ANDROID_PACKAGE], signatureDigests: [DEMO_SIGNING_CERT_DIGEST] },
  });
  const decoded = decodeWebAuthnAttestation(built.clientDataJson, built.attestationObject);
  const input = {
    clientDataJson: built.clientDataJson,
    attestationObject: built.attestationObject,
    credentialId: decoded.credentialId,
    challenge: decoded.challenge,
    origin,
    rpId: '127.0.0.1',
  };
  const once = await verifyWithLibrary(input);
  if (!once.verified) throw new Error('the library did not verify the benchmark attestation');
  for (let i = 0; i < 50; i += 1) await verifyWithLibrary(input);
  let count = 0;
  const started = performance.now();
  const ends = started + SECONDS * 1000;
  while (performance.now() < ends) {
    await verifyWithLibrary(input);
    count += 1;
  }
  const elapsedMs = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ perSecond: (count * 1000) / elapsedMs, msEach: elapsedMs / count })}\n`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
