import { IsString, Length } from 'class-validator';

export class IssueChallengeDto {
  @IsString()
  @Length(1, 64)
  profile_id: string;

  @IsString()
  @Length(1, 32)
  platform: string;
}
