import { IsString, Length } from 'class-validator';

/** POST /v1/attestation/challenges; also the app and platform of a registration. */
export class IssueChallengeDto {
  @IsString()
  @Length(1, 64)
  profile_id: string;

  @IsString()
  @Length(1, 32)
  platform: string;
}
