import { DeferredChecks, OverLimitMemo } from './rate-limiter.js';

describe('OverLimitMemo', () => {
  const windowEnd = 60_000;

  it('refuses a key only until the end of the window it was seen over its limit in', () => {
    const memo = new OverLimitMemo();
    memo.remember('token:ip', '192.0.2.1', windowEnd, 10_000);
    expect(memo.overUntil('token:ip', '192.0.2.1', 10_001)).toBe(windowEnd);
    expect(memo.overUntil('token:ip', '192.0.2.1', windowEnd - 1)).toBe(windowEnd);
    // The next window starts from the database again.
    expect(memo.overUntil('token:ip', '192.0.2.1', windowEnd)).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it('never answers for a key or rule it was not told about', () => {
    const memo = new OverLimitMemo();
    memo.remember('token:ip', '192.0.2.1', windowEnd, 0);
    expect(memo.overUntil('token:ip', '192.0.2.2', 1)).toBeUndefined();
    expect(memo.overUntil('token:client', '192.0.2.1', 1)).toBeUndefined();
  });

  it('keeps the later window end when told twice', () => {
    const memo = new OverLimitMemo();
    memo.remember('token:ip', 'k', 2 * windowEnd, 0);
    memo.remember('token:ip', 'k', windowEnd, 0);
    expect(memo.overUntil('token:ip', 'k', windowEnd + 1)).toBe(2 * windowEnd);
  });

  it('stays bounded: when full it drops expired keys, and otherwise remembers nothing new (refusing less, never more)', () => {
    const memo = new OverLimitMemo(2);
    memo.remember('token:ip', 'a', 1_000, 0);
    memo.remember('token:ip', 'b', windowEnd, 0);
    memo.remember('token:ip', 'c', windowEnd, 500);
    expect(memo.size).toBe(2);
    expect(memo.overUntil('token:ip', 'c', 600)).toBeUndefined();
    memo.remember('token:ip', 'd', windowEnd, 2_000);
    expect(memo.overUntil('token:ip', 'd', 2_001)).toBe(windowEnd);
    expect(memo.overUntil('token:ip', 'b', 2_001)).toBe(windowEnd);
    expect(memo.size).toBe(2);
  });
});

describe('DeferredChecks', () => {
  it('hands its checks out once', () => {
    const deferred = new DeferredChecks([{ rule: 'token:ip', key: '192.0.2.1' }]);
    expect(deferred.take()).toEqual([{ rule: 'token:ip', key: '192.0.2.1' }]);
    expect(deferred.take()).toEqual([]);
  });
});
