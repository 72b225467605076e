import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock.js';
import { sha256Base64Url } from '../crypto/hash.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { RATE_LIMITS_CONFIG } from '../../config/config.tokens.js';
import type { RateLimitName, RateLimitsConfig } from '../../config/sections/rate-limits.js';
import { CounterAndJtiWrites, type CounterIncrement, type JtiInsert } from '../../persistence/counter-and-jti-writes.js';

export interface RateLimitCheck {
  readonly rule: RateLimitName;
  /** What is limited: an IP address, a client_id, an account name. Stored hashed. */
  readonly key: string;
}

const CLEANUP_EVERY_MS = 60_000;

/**
 * Fixed-window counters shared by every replica: one atomic upsert per counter, written together with
 * other requests' counters (and client-assertion jtis) in one statement per batch, so concurrent
 * requests on different processes count against the same window and each sees its exact count.
 */
@Injectable()
export class RateLimiter {
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: CounterAndJtiWrites,
    private readonly clock: Clock,
    @Inject(RATE_LIMITS_CONFIG) private readonly rules: RateLimitsConfig,
  ) {}

  /** Counts one request against each rule; throws RateLimitedError (429) when any limit is exceeded. */
  async enforce(...checks: RateLimitCheck[]): Promise<void> {
    const active = checks.filter((check) => this.rules[check.rule]);
    if (active.length === 0) return;
    const now = this.clock.nowMs();
    const counters = this.increments(active, now);
    const { counts } = await this.writes.write({ counters });
    this.judge(active, counters, counts, now);
  }

  /**
   * Records a client-assertion jti (single use, see CounterAndJtiWrites) and, only when it was fresh,
   * counts the request against each rule, in one statement. False for a replayed jti (nothing counted);
   * throws RateLimitedError when a fresh request exceeds a limit.
   */
  async enforceUnlessReplayed(jti: JtiInsert, ...checks: RateLimitCheck[]): Promise<boolean> {
    const active = checks.filter((check) => this.rules[check.rule]);
    const now = this.clock.nowMs();
    const counters = this.increments(active, now);
    const { jtiFresh, counts } = await this.writes.write({ counters, jti });
    if (!jtiFresh) return false;
    this.judge(active, counters, counts, now);
    return true;
  }

  private increments(checks: readonly RateLimitCheck[], now: number): CounterIncrement[] {
    this.cleanupSometimes(now);
    return checks.map((check) => {
      const windowMs = this.rules[check.rule]!.windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
      return { bucket: check.rule, keyHash: sha256Base64Url(check.key), windowStart, windowEnd: new Date(windowStart.getTime() + windowMs) };
    });
  }

  private judge(checks: readonly RateLimitCheck[], counters: readonly CounterIncrement[], counts: readonly number[], now: number): void {
    checks.forEach((check, index) => {
      if (counts[index] > this.rules[check.rule]!.limit) {
        throw new RateLimitedError((counters[index].windowEnd.getTime() - now) / 1000, `rate limit ${check.rule} exceeded`);
      }
    });
  }

  private cleanupSometimes(now: number): void {
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.dataSource
      .query('DELETE FROM rate_limit_counters WHERE window_end < $1', [new Date(now)])
      .catch(() => undefined);
  }
}
