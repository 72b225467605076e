import { IsObject } from 'class-validator';
import { IssueChallengeDto } from '../attestation/challenges/issue-challenge.dto.js';

/** POST /v1/installs. `attestation` is checked by parseAttestationInput (its shape depends on its type). */
export class RegisterInstallDto extends IssueChallengeDto {
  @IsObject()
  attestation: Record<string, unknown>;
}

/** POST /v1/installs/{id}/keys. */
export class RotateKeyDto {
  @IsObject()
  attestation: Record<string, unknown>;
}
