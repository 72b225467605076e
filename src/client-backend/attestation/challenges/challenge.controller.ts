import { Body, Controller, Header, HttpCode, Post, Req, UsePipes } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiter } from '../../../common/rate-limit/rate-limiter.js';
import { BackendIdentity } from '../../common/backend-identity.js';
import { strictValidation } from '../../common/strict-validation.pipe.js';
import { AppProfiles } from '../../profiles/app-profiles.service.js';
import { AttestationChallenges } from './attestation-challenges.service.js';
import { IssueChallengeDto } from './issue-challenge.dto.js';

/** POST /v1/attestation/challenges: a fresh single-use challenge for one profile and platform. */
@Controller('v1/attestation/challenges')
export class ChallengeController {
  constructor(
    private readonly challenges: AttestationChallenges,
    private readonly profiles: AppProfiles,
    private readonly identity: BackendIdentity,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @UsePipes(strictValidation())
  async issue(@Body() body: IssueChallengeDto, @Req() request: Request): Promise<Record<string, unknown>> {
    await this.rateLimiter.enforce({ rule: 'challenges:ip', key: request.ip ?? 'unknown' });
    const { policy } = this.profiles.require(body.profile_id, body.platform);
    const { challenge, expiresAt } = await this.challenges.issue(body.profile_id, body.platform);
    return {
      challenge,
      expires_at: expiresAt.toISOString(),
      profile_id: body.profile_id,
      platform: body.platform,
      rp_id: this.identity.rpId,
      origin: this.identity.publicUrl,
      accepted_formats: policy.formats,
    };
  }
}
