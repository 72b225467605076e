import {
  AttestationApplicationId,
  NonStandardKeyDescription,
  SecurityLevel,
  VerifiedBootState,
  type NonStandardAuthorizationList,
} from '@peculiar/asn1-android';
import { AsnParser } from '@peculiar/asn1-schema';

export type SecurityLevelName = 'Software' | 'TrustedEnvironment' | 'StrongBox';
export type VerifiedBootStateName = 'Verified' | 'SelfSigned' | 'Unverified' | 'Failed';

/**
 * What Android Keystore states about the key, read from the KeyDescription extension of the leaf
 * (https://source.android.com/docs/security/features/keystore/attestation). Key properties are taken
 * from the hardware-enforced list only; the application id is always in the software-enforced list.
 */
export interface AndroidKeyFacts {
  readonly attestationVersion: number;
  readonly attestationSecurityLevel: SecurityLevelName;
  readonly keymasterSecurityLevel: SecurityLevelName;
  readonly attestationChallenge: Buffer;
  readonly origin?: number;
  readonly purposes: readonly number[];
  readonly algorithm?: number;
  readonly ecCurve?: number;
  readonly allApplications: boolean;
  readonly packageNames: readonly string[];
  /** Lowercase hex SHA-256 of the app signing certificates. */
  readonly signatureDigests: readonly string[];
  readonly verifiedBootState?: VerifiedBootStateName;
  readonly deviceLocked?: boolean;
  readonly osPatchLevel?: number;
}

const LEVELS: Record<number, SecurityLevelName> = {
  [SecurityLevel.software]: 'Software',
  [SecurityLevel.trustedEnvironment]: 'TrustedEnvironment',
  [SecurityLevel.strongBox]: 'StrongBox',
};
const BOOT_STATES: Record<number, VerifiedBootStateName> = {
  [VerifiedBootState.verified]: 'Verified',
  [VerifiedBootState.selfSigned]: 'SelfSigned',
  [VerifiedBootState.unverified]: 'Unverified',
  [VerifiedBootState.failed]: 'Failed',
};

export class KeyDescriptionError extends Error {
  override readonly name = 'KeyDescriptionError';
}

/** The parser yields an ArrayBuffer for OCTET STRING members of AttestationApplicationId. */
function bytes(value: ArrayBuffer | { buffer: ArrayBuffer }): Buffer {
  return Buffer.from(value instanceof ArrayBuffer ? value : value.buffer);
}

function applicationId(software: NonStandardAuthorizationList): { packageNames: string[]; signatureDigests: string[] } {
  const octets = software.findProperty('attestationApplicationId');
  if (!octets) return { packageNames: [], signatureDigests: [] };
  const parsed = AsnParser.parse(octets.buffer, AttestationApplicationId);
  return {
    packageNames: parsed.packageInfos.map((info) => bytes(info.packageName).toString('utf8')),
    signatureDigests: parsed.signatureDigests.map((digest) => bytes(digest).toString('hex')),
  };
}

/**
 * Parses the KeyDescription extension value (1.3.6.1.4.1.11129.2.1.17); tolerates devices that emit
 * authorization lists out of order.
 */
export function readKeyDescription(value: Uint8Array | undefined): AndroidKeyFacts {
  if (!value) throw new KeyDescriptionError('the leaf certificate has no KeyDescription extension');
  let description: NonStandardKeyDescription;
  try {
    description = AsnParser.parse(value, NonStandardKeyDescription);
  } catch (error) {
    throw new KeyDescriptionError(`the KeyDescription extension does not parse: ${(error as Error).message}`);
  }
  const hardware = description.teeEnforced;
  const software = description.softwareEnforced;
  const rootOfTrust = hardware.findProperty('rootOfTrust');
  let app: { packageNames: string[]; signatureDigests: string[] };
  try {
    app = applicationId(software);
  } catch (error) {
    throw new KeyDescriptionError(`attestationApplicationId does not parse: ${(error as Error).message}`);
  }
  return {
    attestationVersion: description.attestationVersion,
    attestationSecurityLevel: LEVELS[description.attestationSecurityLevel] ?? 'Software',
    keymasterSecurityLevel: LEVELS[description.keymasterSecurityLevel] ?? 'Software',
    attestationChallenge: Buffer.from(description.attestationChallenge.buffer),
    origin: hardware.findProperty('origin'),
    purposes: [...(hardware.findProperty('purpose') ?? [])],
    algorithm: hardware.findProperty('algorithm'),
    ecCurve: hardware.findProperty('ecCurve'),
    allApplications: hardware.findProperty('allApplications') !== undefined || software.findProperty('allApplications') !== undefined,
    ...app,
    verifiedBootState: rootOfTrust ? BOOT_STATES[rootOfTrust.verifiedBootState] : undefined,
    deviceLocked: rootOfTrust?.deviceLocked,
    osPatchLevel: hardware.findProperty('osPatchLevel'),
  };
}
