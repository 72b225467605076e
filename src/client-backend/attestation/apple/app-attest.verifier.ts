import { Injectable } from '@nestjs/common';
import { importJWK, jwtVerify } from 'jose';
import { Clock } from '../../../common/clock/clock.js';
import { BackendIdentity } from '../../common/backend-identity.js';
import { attestationErrors } from '../attestation-errors.js';
import type { AppAttestInput, AttestationContext } from '../attestation-input.js';
import { AttestationChallenges } from '../challenges/attestation-challenges.service.js';
import { deviceJwk, type AttestedKey, type DevicePublicJwk } from '../device-key.js';
import { CertificateStructureError } from '../trust/certificate-extensions.js';
import { CertificatePathError, validateCertificatePath } from '../trust/certificate-path.js';
import { TrustAnchors } from '../trust/trust-anchors.js';
import { AppAttestError, checkAppAttestStatement, decodeAppAttest } from './app-attest-statement.js';

/** JOSE `typ` of the Secure Enclave key's proof of possession. */
export const DEVICE_KEY_POP_TYP = 'device-key-pop+jwt';
const POP_MAX_AGE_SECONDS = 300;

function keyIdBytes(keyId: string): Buffer {
  const bytes = Buffer.from(keyId.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 32) throw attestationErrors.invalid('key_id is not a 32-byte identifier');
  return bytes;
}

/** The client data the app passed to attestKey: `{"challenge": ..., "jkt": <thumbprint of the SE key>}`. */
function readClientData(bytes: Buffer): { challenge: string; jkt: string } {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { challenge?: unknown; jkt?: unknown };
    if (typeof parsed.challenge === 'string' && typeof parsed.jkt === 'string') return { challenge: parsed.challenge, jkt: parsed.jkt };
  } catch {
    // reported below
  }
  throw attestationErrors.invalid('client_data must be JSON with string members challenge and jkt');
}

/**
 * Apple App Attest (iOS), which @simplewebauthn/server does not verify: the App Attest key, vouched for
 * by Apple's App Attest CA, commits through the nonce to client data naming our challenge and the
 * Secure Enclave key's thumbprint; that key then proves possession by signing the challenge.
 */
@Injectable()
export class AppAttestVerifier {
  constructor(
    private readonly anchors: TrustAnchors,
    private readonly challenges: AttestationChallenges,
    private readonly identity: BackendIdentity,
    private readonly clock: Clock,
  ) {}

  async verify(input: AppAttestInput, context: AttestationContext): Promise<AttestedKey> {
    if (!context.policy.formats.includes('apple-appattest') || !context.policy.ios) {
      throw attestationErrors.formatNotAccepted('apple-appattest', context.platform);
    }
    const clientData = readClientData(input.clientData);
    const jwk = await this.publicKey(input.publicKey);
    if (clientData.jkt !== jwk.kid) throw attestationErrors.invalid('client_data jkt is not the thumbprint of public_key');
    await this.challenges.consume(clientData.challenge, context.profile.id, context.platform);

    let facts;
    let root: string;
    try {
      const decoded = decodeAppAttest(input.attestationObject);
      const path = validateCertificatePath(decoded.x5c, this.anchors.for('apple-appattest'), this.clock.now());
      root = path.anchor.label;
      facts = checkAppAttestStatement(decoded, path.chain[0], input.clientData, keyIdBytes(input.keyId), context.policy.ios);
    } catch (error) {
      if (error instanceof AppAttestError || error instanceof CertificateStructureError) throw attestationErrors.invalid(`App Attest: ${error.message}`);
      if (error instanceof CertificatePathError) {
        throw error.reason === 'outside_validity' ? attestationErrors.certificateOutsideValidity(error.message) : attestationErrors.untrusted(error.message);
      }
      throw error;
    }
    if ('rule' in facts) throw attestationErrors.policy(facts);
    await this.verifyPossession(input.proof, jwk, clientData.challenge);
    return {
      jwk,
      format: 'apple-appattest',
      assurance: 'app-attest',
      evidence: { app_id: facts.appId, environment: facts.environment, app_attest_key_id: facts.keyId, root },
      attestation: Buffer.from(JSON.stringify({
        key_id: input.keyId,
        attestation_object: input.attestationObject.toString('base64url'),
        client_data: input.clientData.toString('base64url'),
      })),
    };
  }

  private publicKey(raw: Readonly<Record<string, unknown>>): Promise<DevicePublicJwk> {
    const { kty, crv, x, y } = raw;
    if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string' || 'd' in raw) {
      throw attestationErrors.unsupportedKey('public_key must be a public EC P-256 JWK');
    }
    return deviceJwk(x, y);
  }

  /** The Secure Enclave key signs `{ aud: <backend>, challenge, iat }`: it is held by this app instance. */
  private async verifyPossession(proof: string, jwk: DevicePublicJwk, challenge: string): Promise<void> {
    try {
      const key = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, 'ES256');
      const { payload } = await jwtVerify(proof, key, {
        algorithms: ['ES256'],
        typ: DEVICE_KEY_POP_TYP,
        audience: this.identity.publicUrl,
        currentDate: this.clock.now(),
        maxTokenAge: POP_MAX_AGE_SECONDS,
        clockTolerance: 30,
      });
      if (payload.challenge !== challenge) throw new Error('challenge claim does not match');
    } catch (error) {
      throw attestationErrors.invalid(`proof of possession: ${(error as Error).message}`);
    }
  }
}
