import { assignResults, planBatch, type GuardWrite, type ReturnedRow } from './counter-and-jti-writes.js';

const window = { windowStart: new Date(Date.UTC(2026, 0, 1, 0, 0)), windowEnd: new Date(Date.UTC(2026, 0, 1, 0, 1)) };
const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 30));
const counter = (keyHash: string) => ({ bucket: 'token:client', keyHash, ...window });
const jti = (jtiHash: string) => ({ clientId: 'c', jtiHash, expiresAt: new Date(now.getTime() + 60_000), now });
const counterRow = (keyHash: string, count: number): ReturnedRow => ({ kind: 'counter', a: 'token:client', b: keyHash, window_start: window.windowStart.toISOString(), count });
const jtiRow = (jtiHash: string): ReturnedRow => ({ kind: 'jti', a: 'c', b: jtiHash, window_start: null, count: null });

describe('batched counter and jti writes', () => {
  it('sends a jti repeated inside one batch once, and treats every later copy as a replay', () => {
    const items: GuardWrite[] = [{ counters: [counter('k')], jti: jti('j1') }, { counters: [counter('k')], jti: jti('j1') }, { counters: [counter('k')], jti: jti('j2') }];
    const plan = planBatch(items);
    expect(plan.jtis.map((row) => row.jti_hash)).toEqual(['j1', 'j2']);
    expect([...plan.duplicate]).toEqual([1]);
    expect(plan.counters).toHaveLength(2);
    const results = assignResults(items, plan.duplicate, [jtiRow('j1'), jtiRow('j2'), counterRow('k', 2)]);
    expect(results).toEqual([
      { jtiFresh: true, counts: [1] },
      { jtiFresh: false, counts: [0] },
      { jtiFresh: true, counts: [2] },
    ]);
  });

  it('refuses a jti the database did not return (used before) and counts nothing for it', () => {
    const items: GuardWrite[] = [{ counters: [counter('k')], jti: jti('old') }, { counters: [counter('k')] }];
    const plan = planBatch(items);
    const results = assignResults(items, plan.duplicate, [counterRow('k', 41)]);
    expect(results).toEqual([
      { jtiFresh: false, counts: [0] },
      { jtiFresh: undefined, counts: [41] },
    ]);
  });

  it('gives each request of a shared counter the value it would have seen alone, in submission order', () => {
    const items: GuardWrite[] = [{ counters: [counter('a'), counter('b')] }, { counters: [counter('a')] }, { counters: [counter('b')] }, { counters: [counter('a')] }];
    const plan = planBatch(items);
    const results = assignResults(items, plan.duplicate, [counterRow('a', 13), counterRow('b', 2)]);
    expect(results.map((result) => result.counts)).toEqual([[11, 1], [12], [2], [13]]);
  });

  it('counts `always` counters of every request, replays included, and the others only for fresh jtis', () => {
    const address = { bucket: 'token:ip', keyHash: 'ip', ...window, always: true };
    const items: GuardWrite[] = [
      { counters: [address, counter('k')], jti: jti('j1') },
      { counters: [address, counter('k')], jti: jti('j1') },
      { counters: [address, counter('k')], jti: jti('used') },
      { counters: [address, counter('k')], jti: jti('j2') },
    ];
    const plan = planBatch(items);
    expect(plan.counters.filter((row) => row.bucket === 'token:ip')).toHaveLength(4);
    expect(plan.counters.filter((row) => row.bucket === 'token:ip').every((row) => row.jti_hash === null)).toBe(true);
    expect(plan.counters.filter((row) => row.bucket === 'token:client').map((row) => row.jti_hash)).toEqual(['j1', 'used', 'j2']);
    const ipRow: ReturnedRow = { kind: 'counter', a: 'token:ip', b: 'ip', window_start: window.windowStart.toISOString(), count: 7 };
    const results = assignResults(items, plan.duplicate, [jtiRow('j1'), jtiRow('j2'), counterRow('k', 2), ipRow]);
    expect(results).toEqual([
      { jtiFresh: true, counts: [4, 1] },
      { jtiFresh: false, counts: [5, 0] },
      { jtiFresh: false, counts: [6, 0] },
      { jtiFresh: true, counts: [7, 2] },
    ]);
  });

  it('reclaims expired jti rows only relative to the oldest request time in the batch', () => {
    const later = new Date(now.getTime() + 5000);
    const plan = planBatch([{ counters: [], jti: { ...jti('x'), now: later } }, { counters: [], jti: jti('y') }]);
    expect(plan.now).toEqual(now);
  });
});
