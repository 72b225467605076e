import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock/clock.js';
import { sha256Base64Url } from '../crypto/hash.js';
import { RateLimitedError } from '../errors/rate-limited.error.js';
import { RATE_LIMITS_CONFIG } from '../../config/config.tokens.js';
import type { RateLimitName, RateLimitsConfig } from '../../config/sections/rate-limits.js';

export interface RateLimitCheck {
  readonly rule: RateLimitName;
  /** What is limited: an IP address, a client_id, an account name. Stored hashed. */
  readonly key: string;
}

const CLEANUP_EVERY_MS = 60_000;

/**
 * Fixed-window counters shared by every replica: one atomic upsert per check (several checks go in
 * one statement), so concurrent requests on different processes count against the same window.
 */
@Injectable()
export class RateLimiter {
  private lastCleanup = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(RATE_LIMITS_CONFIG) private readonly rules: RateLimitsConfig,
  ) {}

  /** Counts one request against each rule; throws RateLimitedError (429) when any limit is exceeded. */
  async enforce(...checks: RateLimitCheck[]): Promise<void> {
    const active = checks.filter((check) => this.rules[check.rule]);
    if (active.length === 0) return;
    const now = this.clock.nowMs();
    const values: unknown[] = [];
    const rows = active.map((check, index) => {
      const rule = this.rules[check.rule]!;
      const windowMs = rule.windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
      values.push(check.rule, sha256Base64Url(check.key), windowStart, new Date(windowStart.getTime() + windowMs));
      const base = index * 4;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, 1)`;
    });
    const counted: Array<{ bucket: string; key_hash: string; count: number; window_end: Date }> = await this.dataSource.query(
      `INSERT INTO rate_limit_counters (bucket, key_hash, window_start, window_end, count) VALUES ${rows.join(', ')}
       ON CONFLICT (bucket, key_hash, window_start) DO UPDATE SET count = rate_limit_counters.count + 1
       RETURNING bucket, key_hash, count, window_end`,
      values,
    );
    this.cleanupSometimes(now);
    for (const row of counted) {
      const rule = this.rules[row.bucket as RateLimitName]!;
      if (Number(row.count) > rule.limit) {
        throw new RateLimitedError((new Date(row.window_end).getTime() - now) / 1000, `rate limit ${row.bucket} exceeded`);
      }
    }
  }

  private cleanupSometimes(now: number): void {
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    this.dataSource
      .query('DELETE FROM rate_limit_counters WHERE window_end < $1', [new Date(now)])
      .catch(() => undefined);
  }
}
