import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock/clock.js';
import { IntervalGate } from '../../../common/clock/interval-gate.js';
import { sha256Base64Url } from '../../../common/crypto/hash.js';
import { randomToken } from '../../../common/crypto/random.js';
import { BACKEND_CONFIG } from '../../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../../config/sections/client-backend.js';
import { attestationErrors } from '../attestation-errors.js';
import { ChallengesRepository } from './challenges.repository.js';

/** 256 bits, base64url: 43 characters. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Single-use, short-lived challenges that devices bind into their attestation. */
@Injectable()
export class AttestationChallenges {
  private readonly cleanup = new IntervalGate(60_000);

  constructor(
    private readonly repository: ChallengesRepository,
    private readonly clock: Clock,
    @Inject(BACKEND_CONFIG) private readonly config: ClientBackendConfig,
  ) {}

  async issue(profileId: string, platform: string): Promise<{ challenge: string; expiresAt: Date }> {
    const now = this.clock.now();
    const challenge = randomToken(32);
    const expiresAt = new Date(now.getTime() + this.config.challengeTtlSeconds * 1000);
    await this.repository.insert(sha256Base64Url(challenge), profileId, platform, now, expiresAt);
    if (this.cleanup.due(now.getTime())) this.repository.deleteExpired(now).catch(() => undefined);
    return { challenge, expiresAt };
  }

  /**
   * Consumes the challenge (it can succeed at most once, even under concurrent submissions) and checks
   * that it is still fresh and was issued for this profile and platform.
   */
  async consume(challenge: string, profileId: string, platform: string): Promise<void> {
    if (!CHALLENGE_PATTERN.test(challenge)) throw attestationErrors.challengeUnknown('challenge is not a 43-character base64url value');
    const stored = await this.repository.consume(sha256Base64Url(challenge));
    if (!stored) throw attestationErrors.challengeUnknown('challenge not found (never issued, already used, or cleaned up)');
    if (stored.expiresAt.getTime() <= this.clock.nowMs()) throw attestationErrors.challengeExpired(`expired at ${stored.expiresAt.toISOString()}`);
    if (stored.profileId !== profileId || stored.platform !== platform) {
      throw attestationErrors.challengeMismatch(`issued for ${stored.profileId}/${stored.platform}, used for ${profileId}/${platform}`);
    }
  }
}
