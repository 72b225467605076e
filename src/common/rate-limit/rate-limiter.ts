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
/** Most keys remembered as over their limit; past it, expired entries are dropped and new ones not remembered. */
const OVER_LIMIT_MEMO_SIZE = 10_000;

/**
 * Checks one request must be counted against exactly once, in whichever database write the request
 * makes first (so they cost no round trip of their own); what is still pending when the request ends
 * is counted then.
 */
export class DeferredChecks {
  private pending: RateLimitCheck[];

  constructor(checks: readonly RateLimitCheck[]) {
    this.pending = [...checks];
  }

  /** The checks not counted yet; from now on they are the caller's to count. */
  take(): RateLimitCheck[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}

/**
 * Per process, the keys the database has already answered as over their limit in a window, until that
 * window ends. Safe across replicas because it only ever refuses: within one fixed window a counter
 * never decreases, so once the shared count for (rule, key, window) exceeded the limit, every later
 * request in that window would be refused by the database too; a new window (or a key never seen
 * over) always goes to the database, which stays the only authority that admits.
 */
export class OverLimitMemo {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxSize = OVER_LIMIT_MEMO_SIZE) {}

  remember(rule: string, key: string, windowEndMs: number, nowMs: number): void {
    const id = `${rule}\u0000${key}`;
    if (!this.until.has(id) && this.until.size >= this.maxSize) {
      for (const [other, end] of this.until) if (end <= nowMs) this.until.delete(other);
      if (this.until.size >= this.maxSize) return;
    }
    this.until.set(id, Math.max(windowEndMs, this.until.get(id) ?? 0));
  }

  /** When the key is known to be over its limit at nowMs: the end of that window (ms); otherwise undefined. */
  overUntil(rule: string, key: string, nowMs: number): number | undefined {
    const id = `${rule}\u0000${key}`;
    const end = this.until.get(id);
    if (end === undefined) return undefined;
    if (end > nowMs) return end;
    this.until.delete(id);
    return undefined;
  }

  get size(): number {
    return this.until.size;
  }
}

/**
 * Fixed-window counters shared by every replica: one atomic upsert per counter, written together with
 * other requests' counters (and client-assertion jtis) in one statement per batch, so concurrent
 * requests on different processes count against the same window and each sees its exact count.
 */
@Injectable()
export class RateLimiter {
  private lastCleanup = 0;
  private readonly knownOver = new OverLimitMemo();

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
   * Throws RateLimitedError, without counting or asking the database, when this process already learned
   * from the database that the key is over its limit for the current window (see OverLimitMemo); does
   * nothing otherwise, so the request must still be counted.
   */
  refuseIfKnownOver(check: RateLimitCheck): void {
    if (!this.rules[check.rule]) return;
    const now = this.clock.nowMs();
    const until = this.knownOver.overUntil(check.rule, check.key, now);
    if (until !== undefined) throw new RateLimitedError((until - now) / 1000, `rate limit ${check.rule} exceeded (known)`);
  }

  /**
   * Records a client-assertion jti (single use, see CounterAndJtiWrites) and, in the same statement,
   * counts the request against `always` (whatever the jti) and, only when the jti was fresh, against
   * `ifFresh`. False for a replayed jti (unless an `always` limit is exceeded); throws
   * RateLimitedError when a counted limit is exceeded.
   */
  async enforceWithJti(jti: JtiInsert, checks: { readonly ifFresh?: readonly RateLimitCheck[]; readonly always?: readonly RateLimitCheck[] }): Promise<boolean> {
    const always = (checks.always ?? []).filter((check) => this.rules[check.rule]);
    const ifFresh = (checks.ifFresh ?? []).filter((check) => this.rules[check.rule]);
    const now = this.clock.nowMs();
    const counters = [...this.increments(always, now, true), ...this.increments(ifFresh, now, false)];
    const { jtiFresh, counts } = await this.writes.write({ counters, jti });
    this.judge([...always, ...ifFresh], counters, counts, now);
    return jtiFresh === true;
  }

  private increments(checks: readonly RateLimitCheck[], now: number, always = false): CounterIncrement[] {
    this.cleanupSometimes(now);
    return checks.map((check) => {
      const windowMs = this.rules[check.rule]!.windowSeconds * 1000;
      const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
      const counter = { bucket: check.rule, keyHash: sha256Base64Url(check.key), windowStart, windowEnd: new Date(windowStart.getTime() + windowMs) };
      return always ? { ...counter, always } : counter;
    });
  }

  /** A count of 0 means not counted (a replay's conditional counters). */
  private judge(checks: readonly RateLimitCheck[], counters: readonly CounterIncrement[], counts: readonly number[], now: number): void {
    checks.forEach((check, index) => {
      if (counts[index] > this.rules[check.rule]!.limit) {
        const windowEnd = counters[index].windowEnd.getTime();
        this.knownOver.remember(check.rule, check.key, windowEnd, now);
        throw new RateLimitedError((windowEnd - now) / 1000, `rate limit ${check.rule} exceeded`);
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
