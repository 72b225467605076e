/** The device simulator as a library: what the CLI, the e2e tests and the demo use. */
export { buildAndroidKeyAttestation, keyDescriptionExtension, SecurityLevel, VerifiedBootState } from './attestation/android-key.js';
export type { AndroidKeyAttestationOptions, KeyDescriptionOptions, WebAuthnAttestation } from './attestation/android-key.js';
export { buildPackedAttestation } from './attestation/packed.js';
export type { PackedAttestationOptions, PackedFullAttestation } from './attestation/packed.js';
export { BackendClient, BackendError } from './backend-client.js';
export type { ChallengeResponse, InstallResponse } from './backend-client.js';
export { signClientAssertion } from './client-assertion.js';
export type { ClientAssertionOptions } from './client-assertion.js';
export { generateDeviceKey, importDeviceKey } from './device-key.js';
export type { DeviceKey } from './device-key.js';
export { signDeviceRequest } from './device-request.js';
export { deleteSimulatedDevice, deviceKeyOf, registerSimulatedDevice, rotateSimulatedDeviceKey, SIMULATED_FORMATS } from './simulated-device.js';
export type { DeviceState, SimulatedDeviceOptions, SimulatedFormat } from './simulated-device.js';
export { DEFAULT_STATE_FILE, readDeviceState, writeDeviceState } from './state-file.js';
