import type { JWK } from 'jose';
import { loadOrCreateDevelopmentCa, type DevelopmentCa } from '../client-backend/attestation/trust/development-ca.js';
import { DEMO_ANDROID_PACKAGE, DEMO_PROFILE_ID, DEMO_SIGNING_CERT_DIGEST } from '../config/sections/demo-app-profile.js';
import { buildAndroidKeyAttestation, type WebAuthnAttestation } from './attestation/android-key.js';
import { buildPackedAttestation } from './attestation/packed.js';
import { BackendClient, type ChallengeResponse } from './backend-client.js';
import { generateDeviceKey, importDeviceKey, type DeviceKey } from './device-key.js';
import { signDeviceRequest } from './device-request.js';

export const SIMULATED_FORMATS = ['android-key', 'packed', 'packed-self'] as const;
export type SimulatedFormat = (typeof SIMULATED_FORMATS)[number];

const DEFAULT_PLATFORM: Record<SimulatedFormat, string> = { 'android-key': 'android', packed: 'windows', 'packed-self': 'windows' };

/** What the simulated app remembers between runs (the state file). */
export interface DeviceState {
  readonly version: 1;
  readonly backend_url: string;
  readonly profile_id: string;
  readonly platform: string;
  readonly format: SimulatedFormat;
  readonly install_id: string;
  readonly client_id: string;
  readonly kid: string;
  readonly assurance: string;
  /** The device key. A real app cannot export it; the simulator must, to survive between commands. */
  readonly private_jwk: JWK;
  readonly registered_at: string;
  /** After `token`: the app's tokens for one MCP server. */
  readonly session?: DeviceSession;
}

/** Tokens the simulated app holds for one MCP server (what a real app keeps in its secure storage). */
export interface DeviceSession {
  readonly mcp_url: string;
  readonly issuer: string;
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly scope: string;
  readonly expires_at: string;
}

export interface SimulatedDeviceOptions {
  readonly backendUrl: string;
  /** Data directory holding the backend's development attestation CA. */
  readonly dataDir: string;
  readonly format?: SimulatedFormat;
  readonly profileId?: string;
  readonly platform?: string;
  /** The app identity Keystore would attest (android-key). Defaults to the bundled demo app. */
  readonly packageName?: string;
  readonly signingCertDigest?: string;
}

/** A real attestation object for the key, signed through the development attestation CA. */
async function attest(format: SimulatedFormat, key: DeviceKey, challenge: ChallengeResponse, ca: DevelopmentCa, options: SimulatedDeviceOptions): Promise<Record<string, unknown>> {
  const base = { deviceKey: key.pair, challenge: challenge.challenge, rpId: challenge.rp_id, origin: challenge.origin };
  let built: WebAuthnAttestation;
  if (format === 'android-key') {
    built = await buildAndroidKeyAttestation({
      ...base,
      issuer: ca.intermediate,
      chain: [new Uint8Array(ca.intermediate.certificate.rawData), new Uint8Array(ca.root.rawData)],
      keyDescription: {
        origin: 0,
        packageNames: [options.packageName ?? DEMO_ANDROID_PACKAGE],
        signatureDigests: [options.signingCertDigest ?? DEMO_SIGNING_CERT_DIGEST],
      },
    });
  } else {
    const full = format === 'packed' ? { issuer: ca.intermediate, chain: [new Uint8Array(ca.intermediate.certificate.rawData)] } : undefined;
    built = await buildPackedAttestation({ ...base, full });
  }
  return {
    type: 'webauthn',
    client_data_json: Buffer.from(built.clientDataJson).toString('base64url'),
    attestation_object: Buffer.from(built.attestationObject).toString('base64url'),
  };
}

/** Plays a fresh install: new key, challenge, attestation, registration. */
export async function registerSimulatedDevice(options: SimulatedDeviceOptions): Promise<DeviceState> {
  const format = options.format ?? 'android-key';
  const profileId = options.profileId ?? DEMO_PROFILE_ID;
  const platform = options.platform ?? DEFAULT_PLATFORM[format];
  const backend = new BackendClient(options.backendUrl);
  const [ca, key] = await Promise.all([loadOrCreateDevelopmentCa(options.dataDir), generateDeviceKey()]);
  const challenge = await backend.challenge(profileId, platform);
  const install = await backend.register(profileId, platform, await attest(format, key, challenge, ca, options));
  return {
    version: 1,
    backend_url: options.backendUrl,
    profile_id: profileId,
    platform,
    format,
    install_id: install.install_id,
    client_id: install.client_id,
    kid: install.kid,
    assurance: install.assurance,
    private_jwk: key.privateJwk,
    registered_at: new Date().toISOString(),
  };
}

/** Replaces the device key: a new key with a new attestation, requested with the current key's signature. */
export async function rotateSimulatedDeviceKey(state: DeviceState, options: Pick<SimulatedDeviceOptions, 'dataDir' | 'packageName' | 'signingCertDigest'>): Promise<DeviceState> {
  const backend = new BackendClient(state.backend_url);
  const [ca, key] = await Promise.all([loadOrCreateDevelopmentCa(options.dataDir), generateDeviceKey()]);
  const challenge = await backend.challenge(state.profile_id, state.platform);
  const attestation = await attest(state.format, key, challenge, ca, { ...options, backendUrl: state.backend_url });
  const path = `/v1/installs/${state.install_id}/keys`;
  const jwt = await signDeviceRequest({ privateJwk: state.private_jwk, clientId: state.client_id, backendUrl: state.backend_url, method: 'POST', path });
  const install = await backend.rotateKey(state.install_id, attestation, jwt);
  return { ...state, kid: install.kid, assurance: install.assurance, private_jwk: key.privateJwk };
}

/** Deletes the install, signed by its current key. */
export async function deleteSimulatedDevice(state: DeviceState): Promise<void> {
  const path = `/v1/installs/${state.install_id}`;
  const jwt = await signDeviceRequest({ privateJwk: state.private_jwk, clientId: state.client_id, backendUrl: state.backend_url, method: 'DELETE', path });
  await new BackendClient(state.backend_url).delete(state.install_id, jwt);
}

/** The device key of a saved state, ready to sign. */
export function deviceKeyOf(state: DeviceState): Promise<DeviceKey> {
  return importDeviceKey(state.private_jwk);
}
