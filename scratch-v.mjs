import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { loadOrCreateDevelopmentCa } from './dist/src/client-backend/attestation/trust/development-ca.js';
import { buildAndroidKeyAttestation } from './dist/src/device-simulator/attestation/android-key.js';
import { generateDeviceKey } from './dist/src/device-simulator/device-key.js';
import { decodeWebAuthnAttestation, withX5c } from './dist/src/client-backend/attestation/webauthn/webauthn-attestation.js';
import { verifyWithLibrary } from './dist/src/client-backend/attestation/webauthn/webauthn-library.js';
import { validateCertificatePath } from './dist/src/client-backend/attestation/trust/certificate-path.js';
import { TrustAnchors } from './dist/src/client-backend/attestation/trust/trust-anchors.js';
import { readKeyDescription } from './dist/src/client-backend/attestation/android/key-description.js';
import { deviceJwkFromCose } from './dist/src/client-backend/attestation/device-key.js';
import { AsnParser } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
const ca = await loadOrCreateDevelopmentCa(mkdtempSync('/tmp/v-'));
const anchors = TrustAnchors.from({ 'android-key': [], packed: [], tpm: [], 'apple-appattest': [] }, ca);
const N = 200;
const items = [];
for (let i = 0; i < N; i++) {
  const key = await generateDeviceKey();
  const challenge = Buffer.alloc(32, i).toString('base64url');
  items.push({ challenge, built: await buildAndroidKeyAttestation({ deviceKey: key.pair, challenge, rpId: '127.0.0.1', origin: 'http://127.0.0.1:1', issuer: ca.intermediate, chain: [new Uint8Array(ca.intermediate.certificate.rawData), new Uint8Array(ca.root.rawData)], keyDescription: { origin: 0, packageNames: ['a.b'], signatureDigests: ['00'.repeat(32)] } }) });
}

async function one({ challenge, built }, mode) {
  const d = decodeWebAuthnAttestation(built.clientDataJson, built.attestationObject);
  const path = validateCertificatePath(d.x5c, anchors.for('android-key'), new Date());
  if (mode !== 'library-only') readKeyDescription(AsnParser.parse(d.x5c[0], Certificate).tbsCertificate.extensions);
  const x5c = mode === 'full' ? path.normalised : [path.normalised[0], path.normalised[1]];
  const obj = withX5c(d, x5c);
  const r = await verifyWithLibrary({ clientDataJson: built.clientDataJson, attestationObject: obj, credentialId: d.credentialId, challenge, origin: 'http://127.0.0.1:1', rpId: '127.0.0.1' });
  await deviceJwkFromCose(r.registrationInfo.credential.publicKey);
}
for (const mode of ['truncated', 'truncated', 'truncated']) {
  const queue = [...items];
  const s = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => { for (;;) { const x = queue.shift(); if (!x) return; await one(x, mode); } }));
  console.log(mode, (N / ((performance.now() - s) / 1000)).toFixed(0), 'per s');
}
