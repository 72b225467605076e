import { IsObject, IsString, Length } from 'class-validator';

/** POST /v1/installs. `attestation` is checked by parseAttestationInput (its shape depends on its type). */
export class RegisterInstallDto {
  @IsString()
  @Length(1, 64)
  profile_id: string;

  @IsString()
  @Length(1, 32)
  platform: string;

  @IsObject()
  attestation: Record<string, unknown>;
}

/** POST /v1/installs/{id}/keys. */
export class RotateKeyDto {
  @IsObject()
  attestation: Record<string, unknown>;
}
