import { Module } from '@nestjs/common';
import { AppLogger } from '../../common/logging/app-logger.js';
import { BACKEND_CONFIG, DATABASE_CONFIG } from '../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';
import type { DatabaseConfig } from '../../config/sections/database.js';
import { BackendIdentity } from '../common/backend-identity.js';
import { AppProfiles } from '../profiles/app-profiles.service.js';
import { AppAttestVerifier } from './apple/app-attest.verifier.js';
import { AttestationVerifier } from './attestation.verifier.js';
import { AttestationChallenges } from './challenges/attestation-challenges.service.js';
import { ChallengeController } from './challenges/challenge.controller.js';
import { ChallengesRepository } from './challenges/challenges.repository.js';
import { loadOrCreateDevelopmentCa } from './trust/development-ca.js';
import { TrustAnchors } from './trust/trust-anchors.js';
import { WebAuthnAttestationVerifier } from './webauthn/webauthn-attestation.verifier.js';

/** Trust anchors, parsed once; in development mode they include the development CA of DATA_DIR. */
async function trustAnchors(config: ClientBackendConfig, database: DatabaseConfig, logger: AppLogger): Promise<TrustAnchors> {
  if (!config.devAttestationCa) return TrustAnchors.from(config.trustRoots);
  const developmentCa = await loadOrCreateDevelopmentCa(database.dataDir);
  logger.child('attestation').warn('trusting the development attestation CA (development mode only)', { file: developmentCa.file });
  return TrustAnchors.from(config.trustRoots, developmentCa);
}

@Module({
  controllers: [ChallengeController],
  providers: [
    AppProfiles,
    BackendIdentity,
    ChallengesRepository,
    AttestationChallenges,
    WebAuthnAttestationVerifier,
    AppAttestVerifier,
    AttestationVerifier,
    { provide: TrustAnchors, useFactory: trustAnchors, inject: [BACKEND_CONFIG, DATABASE_CONFIG, AppLogger] },
  ],
  exports: [AppProfiles, BackendIdentity, AttestationVerifier],
})
export class AttestationModule {}
