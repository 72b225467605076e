import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from './query-rows.js';
import { WriteBatcher } from './write-batcher.js';

/** One rate-limit counter to increment by one (a fixed window of one rule and one hashed key). */
export interface CounterIncrement {
  readonly bucket: string;
  readonly keyHash: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /**
   * Counted even when the request's jti turns out to be a replay (a per-address limit counts every
   * request, whatever its credentials); otherwise, with a jti, counted only when the jti was fresh.
   */
  readonly always?: boolean;
}

/** A client-assertion jti to record as used until expiresAt; a row that expired before `now` may be reused. */
export interface JtiInsert {
  readonly clientId: string;
  readonly jtiHash: string;
  readonly expiresAt: Date;
  readonly now: Date;
}

export interface GuardWrite {
  readonly counters: readonly CounterIncrement[];
  /** When set, the counters (other than `always` ones) are incremented only if this jti was not used before. */
  readonly jti?: JtiInsert;
}

export interface GuardResult {
  /** Whether the jti was fresh (undefined without a jti). */
  readonly jtiFresh?: boolean;
  /** Per counter: its value including this request, as if the batch's requests ran one after another; 0 when not counted. */
  readonly counts: readonly number[];
}

export interface ReturnedRow {
  readonly kind: 'jti' | 'counter';
  readonly a: string;
  readonly b: string;
  readonly window_start: Date | string | null;
  readonly count: number | string | null;
}

const counterKey = (bucket: string, keyHash: string, windowStart: Date | string) => `${bucket}\u0000${keyHash}\u0000${new Date(windowStart).getTime()}`;
const jtiKey = (clientId: string, jtiHash: string) => `${clientId}\u0000${jtiHash}`;

/** The rows one flush sends: jtis deduplicated (a repeat inside the batch is a replay), `always` counters, and the other counters of requests whose jti may be fresh. */
export function planBatch(items: readonly GuardWrite[]) {
  const jtis = new Map<string, { client_id: string; jti_hash: string; expires_at: string }>();
  const duplicate = new Set<number>();
  items.forEach((item, index) => {
    if (!item.jti) return;
    const key = jtiKey(item.jti.clientId, item.jti.jtiHash);
    if (jtis.has(key)) duplicate.add(index);
    else jtis.set(key, { client_id: item.jti.clientId, jti_hash: item.jti.jtiHash, expires_at: item.jti.expiresAt.toISOString() });
  });
  const counters = items.flatMap((item, index) =>
    item.counters
      .filter((counter) => counter.always || !duplicate.has(index))
      .map((counter) => {
        // The statement counts a row without a jti unconditionally, one with a jti only if that jti was inserted.
        const conditional = !counter.always && item.jti !== undefined;
        return {
          bucket: counter.bucket,
          key_hash: counter.keyHash,
          window_start: counter.windowStart.toISOString(),
          window_end: counter.windowEnd.toISOString(),
          jti_client: conditional ? item.jti!.clientId : null,
          jti_hash: conditional ? item.jti!.jtiHash : null,
        };
      }),
  );
  // A stable order of rows keeps concurrent flushes (other replicas) from deadlocking on each other.
  const sortedJtis = [...jtis.values()].sort((x, y) => (x.client_id + x.jti_hash < y.client_id + y.jti_hash ? -1 : 1));
  const oldestNow = items.reduce<Date | undefined>((min, item) => (item.jti && (!min || item.jti.now < min) ? item.jti.now : min), undefined);
  return { jtis: sortedJtis, counters, duplicate, now: oldestNow ?? new Date(0) };
}

/**
 * Per item, from the statement's rows: a jti is fresh when the insert returned it (and it was the first
 * of its value in the batch); counted requests of one counter share its final value in submission order.
 */
export function assignResults(items: readonly GuardWrite[], duplicate: ReadonlySet<number>, rows: readonly ReturnedRow[]): GuardResult[] {
  const inserted = new Set(rows.filter((row) => row.kind === 'jti').map((row) => jtiKey(row.a, row.b)));
  const finals = new Map(rows.filter((row) => row.kind === 'counter').map((row) => [counterKey(row.a, row.b, row.window_start!), Number(row.count)]));
  const fresh = items.map((item, index) => (item.jti ? !duplicate.has(index) && inserted.has(jtiKey(item.jti.clientId, item.jti.jtiHash)) : undefined));
  const isCounted = (index: number, counter: CounterIncrement) => fresh[index] !== false || counter.always === true;
  const counted = new Map<string, number>();
  items.forEach((item, index) => {
    for (const counter of item.counters) {
      if (!isCounted(index, counter)) continue;
      const key = counterKey(counter.bucket, counter.keyHash, counter.windowStart);
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
  });
  const seen = new Map<string, number>();
  return items.map((item, index) => {
    const counts = item.counters.map((counter) => {
      if (!isCounted(index, counter)) return 0;
      const key = counterKey(counter.bucket, counter.keyHash, counter.windowStart);
      const position = (seen.get(key) ?? 0) + 1;
      seen.set(key, position);
      return finals.get(key)! - counted.get(key)! + position;
    });
    return { jtiFresh: fresh[index], counts };
  });
}

const STATEMENT = `
WITH j AS (
  INSERT INTO client_assertion_jtis (client_id, jti_hash, expires_at)
  SELECT client_id, jti_hash, expires_at FROM jsonb_to_recordset($1::jsonb) AS r(client_id text, jti_hash text, expires_at timestamptz)
  ON CONFLICT (client_id, jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at
  WHERE client_assertion_jtis.expires_at < $3
  RETURNING client_id, jti_hash
), wanted AS (
  SELECT r.bucket, r.key_hash, r.window_start, r.window_end
  FROM jsonb_to_recordset($2::jsonb) AS r(bucket text, key_hash text, window_start timestamptz, window_end timestamptz, jti_client text, jti_hash text)
  WHERE r.jti_hash IS NULL OR EXISTS (SELECT 1 FROM j WHERE j.client_id = r.jti_client AND j.jti_hash = r.jti_hash)
), c AS (
  INSERT INTO rate_limit_counters (bucket, key_hash, window_start, window_end, count)
  SELECT bucket, key_hash, window_start, max(window_end), count(*) FROM wanted
  GROUP BY bucket, key_hash, window_start ORDER BY bucket, key_hash, window_start
  ON CONFLICT (bucket, key_hash, window_start) DO UPDATE SET count = rate_limit_counters.count + EXCLUDED.count
  RETURNING bucket, key_hash, window_start, count
)
SELECT 'jti' AS kind, client_id AS a, jti_hash AS b, NULL::timestamptz AS window_start, NULL::integer AS count FROM j
UNION ALL
SELECT 'counter', bucket, key_hash, window_start, count FROM c`;

/**
 * Rate-limit counter increments and client-assertion jti inserts of concurrent requests, written in one
 * statement per batch (see WriteBatcher). Each stays atomic and exact: the jti is recorded against the
 * (client_id, jti_hash) primary key, so across all replicas exactly one use succeeds, with no read
 * before the write; a counter returns the value the request would have seen alone.
 */
@Injectable()
export class CounterAndJtiWrites {
  private readonly batcher = new WriteBatcher<GuardWrite, GuardResult>((items) => this.flush(items), { maxBatch: 256, maxInFlight: 2 });

  constructor(private readonly dataSource: DataSource) {}

  write(item: GuardWrite): Promise<GuardResult> {
    return this.batcher.submit(item);
  }

  private async flush(items: readonly GuardWrite[]): Promise<GuardResult[]> {
    const plan = planBatch(items);
    const rows = await queryRows<ReturnedRow>(this.dataSource, STATEMENT, [JSON.stringify(plan.jtis), JSON.stringify(plan.counters), plan.now]);
    return assignResults(items, plan.duplicate, rows);
  }
}
