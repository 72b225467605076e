import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import {
  AttestationApplicationId,
  AttestationPackageInfo,
  AuthorizationList,
  id_ce_keyDescription,
  IntegerSet,
  KeyDescription,
  RootOfTrust,
  SecurityLevel,
  VerifiedBootState,
} from '@peculiar/asn1-android';
import { AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import * as x509 from '@peculiar/x509';
import { issueCertificate, type CertificateIssuer } from '../../common/crypto/x509-issuer.js';
import { attestationObject, credentialData, signDer } from './webauthn-encoding.js';

export { SecurityLevel, VerifiedBootState };

/** What Keystore would state about the key. Defaults describe a good TEE key of the demo app. */
export interface KeyDescriptionOptions {
  readonly attestationSecurityLevel?: SecurityLevel;
  readonly keymasterSecurityLevel?: SecurityLevel;
  /** KM_ORIGIN: 0 generated, 2 imported; undefined leaves it out. */
  readonly origin?: number;
  readonly purposes?: readonly number[];
  readonly algorithm?: number;
  readonly ecCurve?: number;
  readonly packageNames: readonly string[];
  /** Hex SHA-256 digests of the app signing certificates. */
  readonly signatureDigests: readonly string[];
  readonly verifiedBootState?: VerifiedBootState;
  readonly deviceLocked?: boolean;
  readonly osPatchLevel?: number;
  readonly allApplications?: boolean;
  /** Put origin and purpose in the software-enforced list (a key the TEE does not vouch for). */
  readonly softwareEnforcedKeyProperties?: boolean;
}

/** The KeyDescription extension (1.3.6.1.4.1.11129.2.1.17) binding the attestation challenge. */
export function keyDescriptionExtension(challengeHash: Uint8Array, options: KeyDescriptionOptions): x509.Extension {
  const applicationId = new AttestationApplicationId({
    packageInfos: options.packageNames.map((name) => new AttestationPackageInfo({ packageName: new OctetString(Buffer.from(name, 'utf8')), version: 1 })),
    signatureDigests: options.signatureDigests.map((digest) => new OctetString(Buffer.from(digest, 'hex'))),
  });
  const keyProperties = {
    purpose: new IntegerSet([...(options.purposes ?? [2])]),
    origin: options.origin,
  };
  const hardware = new AuthorizationList({
    ...(options.softwareEnforcedKeyProperties ? {} : keyProperties),
    algorithm: options.algorithm ?? 3,
    keySize: 256,
    ecCurve: options.ecCurve ?? 1,
    allApplications: options.allApplications ? null : undefined,
    rootOfTrust: new RootOfTrust({
      verifiedBootKey: new OctetString(randomBytes(32)),
      deviceLocked: options.deviceLocked ?? true,
      verifiedBootState: options.verifiedBootState ?? VerifiedBootState.verified,
      verifiedBootHash: new OctetString(randomBytes(32)),
    }),
    osPatchLevel: options.osPatchLevel ?? 202609,
  });
  const software = new AuthorizationList({
    ...(options.softwareEnforcedKeyProperties ? keyProperties : {}),
    attestationApplicationId: new OctetString(AsnSerializer.serialize(applicationId)),
  });
  const description = new KeyDescription({
    attestationVersion: 200,
    attestationSecurityLevel: options.attestationSecurityLevel ?? SecurityLevel.trustedEnvironment,
    keymasterVersion: 200,
    keymasterSecurityLevel: options.keymasterSecurityLevel ?? SecurityLevel.trustedEnvironment,
    attestationChallenge: new OctetString(challengeHash),
    uniqueId: new OctetString(new Uint8Array(0)),
    softwareEnforced: software,
    teeEnforced: hardware,
  });
  return new x509.Extension(id_ce_keyDescription, false, AsnSerializer.serialize(description));
}

export interface AndroidKeyAttestationOptions {
  readonly deviceKey: webcrypto.CryptoKeyPair;
  readonly challenge: string;
  readonly rpId: string;
  readonly origin: string;
  /** The attestation key that signs the leaf (on a device: its factory or RKP-provisioned key). */
  readonly issuer: CertificateIssuer;
  /** DER certificates after the leaf: the issuer's certificate, then up to the root (or without it). */
  readonly chain: readonly Uint8Array[];
  readonly keyDescription: KeyDescriptionOptions;
  readonly leafNotBefore?: Date;
  readonly leafNotAfter?: Date;
  readonly leafExtensions?: readonly x509.Extension[];
}

export interface WebAuthnAttestation {
  readonly clientDataJson: Uint8Array;
  readonly attestationObject: Uint8Array;
}

/**
 * What an Android app builds around a Keystore key (the `android-key` WebAuthn format): the key's
 * certificate chain whose leaf carries KeyDescription with attestationChallenge = SHA-256(clientDataJSON),
 * and the key's signature over authenticatorData || SHA-256(clientDataJSON).
 */
export async function buildAndroidKeyAttestation(options: AndroidKeyAttestationOptions): Promise<WebAuthnAttestation> {
  const { clientDataJson, clientDataHash, authData } = await credentialData(options.deviceKey, options);
  const now = Date.now();
  const leaf = await issueCertificate({
    subject: 'CN=Android Keystore Key',
    publicKey: options.deviceKey.publicKey,
    issuer: options.issuer,
    notBefore: options.leafNotBefore ?? new Date(now - 60_000),
    notAfter: options.leafNotAfter ?? new Date(now + 365 * 86_400_000),
    extensions: [keyDescriptionExtension(clientDataHash, options.keyDescription), ...(options.leafExtensions ?? [])],
  });
  const signature = await signDer(options.deviceKey.privateKey, Buffer.concat([authData, clientDataHash]));
  const attStmt = new Map<string, unknown>([
    ['alg', -7],
    ['sig', signature],
    ['x5c', [new Uint8Array(leaf.rawData), ...options.chain.map((der) => new Uint8Array(der))]],
  ]);
  return { clientDataJson, attestationObject: attestationObject('android-key', attStmt, authData) };
}
