import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { RateLimiter, type DeferredChecks, type RateLimitCheck } from '../../common/rate-limit/rate-limiter.js';

const CLEANUP_EVERY_MS = 60_000;

/**
 * Client-assertion jti values, single-use across every replica until they expire: one atomic insert
 * against the primary key (client_id, jti_hash), never a read first; a row that already expired may be
 * reclaimed in the same statement. The insert shares its statement with concurrent requests' writes.
 */
@Injectable()
export class JtiReplayRepository {
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly rateLimiter: RateLimiter,
  ) {}

  /**
   * True when this (client, jti) was not seen before (and is now recorded until expiresAt). Only then is
   * the request counted against `counted` (a replay spends nobody's quota); the request's still pending
   * `deferred` checks (a per-address limit) are counted whatever the jti. Throws RateLimitedError when
   * a count is over its limit.
   */
  async consume(
    clientId: string,
    jti: string,
    expiresAt: Date,
    now: Date,
    counted: readonly RateLimitCheck[] = [],
    deferred?: DeferredChecks,
  ): Promise<boolean> {
    this.cleanupSometimes(now);
    return this.rateLimiter.enforceWithJti({ clientId, jtiHash: sha256Base64Url(jti), expiresAt, now }, { ifFresh: counted, always: deferred?.take() });
  }

  private cleanupSometimes(now: Date): void {
    if (now.getTime() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now.getTime();
    this.dataSource.query('DELETE FROM client_assertion_jtis WHERE expires_at < $1', [now]).catch(() => undefined);
  }
}
