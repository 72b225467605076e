import 'reflect-metadata';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { DEMO_ANDROID_PACKAGE, DEMO_SIGNING_CERT_DIGEST } from '../../src/config/sections/demo-app-profile.js';
import { buildAndroidKeyAttestation } from '../../src/device-simulator/attestation/android-key.js';
import { generateDeviceKey } from '../../src/device-simulator/device-key.js';
import { runLoad, type LoadResult } from './load-loop.js';

/**
 * The load generator (a separate process): challenges, then android-key registrations with
 * attestations built beforehand, then client.json against the bare hello endpoint. Prints one JSON line.
 */
const { backend, hello, dataDir, registrations, concurrency, documentSeconds } = JSON.parse(process.env.BENCH_PLAN!) as {
  backend: string;
  hello: string;
  dataDir: string;
  registrations: number;
  concurrency: number;
  documentSeconds: number;
};

const challengeBody = JSON.stringify({ profile_id: 'ticket-desk', platform: 'android' });
const challengeResponses: string[] = [];
const challenges = await runLoad(backend, concurrency, (i) => (i < registrations ? { method: 'POST', path: '/v1/attestation/challenges', body: challengeBody } : undefined), 60);
const listed = await fetch(`${backend}/v1/attestation/challenges`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: challengeBody });
const { rp_id: rpId, origin } = (await listed.json()) as { rp_id: string; origin: string };

// The load loop discards bodies, so fetch the challenges to use with a plain client (not timed).
for (let i = 0; i < registrations; i += 1) {
  const response = await fetch(`${backend}/v1/attestation/challenges`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: challengeBody });
  challengeResponses.push(((await response.json()) as { challenge: string }).challenge);
}
const ca = await loadOrCreateDevelopmentCa(dataDir);
const chain = [new Uint8Array(ca.intermediate.certificate.rawData), new Uint8Array(ca.root.rawData)];
const buildStarted = Date.now();
const bodies: string[] = [];
for (const challenge of challengeResponses) {
  const key = await generateDeviceKey();
  const built = await buildAndroidKeyAttestation({
    deviceKey: key.pair,
    challenge,
    rpId,
    origin,
    issuer: ca.intermediate,
    chain,
    keyDescription: { origin: 0, packageNames: [DEMO_ANDROID_PACKAGE], signatureDigests: [DEMO_SIGNING_CERT_DIGEST] },
  });
  bodies.push(
    JSON.stringify({
      profile_id: 'ticket-desk',
      platform: 'android',
      attestation: {
        type: 'webauthn',
        client_data_json: Buffer.from(built.clientDataJson).toString('base64url'),
        attestation_object: Buffer.from(built.attestationObject).toString('base64url'),
      },
    }),
  );
}
const buildSeconds = (Date.now() - buildStarted) / 1000;
const registered = await runLoad(backend, concurrency, (i) => (i < bodies.length ? { method: 'POST', path: '/v1/installs', body: bodies[i] } : undefined), 60);

const listing = (await (await fetch(`${backend}/admin/installs?limit=200`, { headers: { Authorization: 'Bearer dev-backend-admin-token' } })).json()) as {
  installs: Array<{ install_id: string }>;
};
const installs = listing.installs.map((install) => `/${install.install_id}/client.json`);
const documents = (seconds: number) => runLoad(backend, concurrency * 2, (i) => ({ method: 'GET', path: installs[i % installs.length] }), seconds);
const hellos = (seconds: number) => runLoad(hello, concurrency * 2, () => ({ method: 'GET', path: '/hello' }), seconds);
await documents(1);
await hellos(1);
const rounds: Array<{ documents: LoadResult; hello: LoadResult }> = [];
for (let round = 0; round < 2; round += 1) rounds.push({ documents: await documents(documentSeconds), hello: await hellos(documentSeconds) });
process.stdout.write(`${JSON.stringify({ challenges, registered, buildSeconds, rounds, installs: installs.length })}\n`);
