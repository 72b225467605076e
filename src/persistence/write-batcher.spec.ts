import { WriteBatcher } from './write-batcher.js';

describe('WriteBatcher', () => {
  it('writes items submitted together in one flush and answers each caller with its own result', async () => {
    const flushes: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      flushes.push([...items]);
      return items.map((item) => item * 10);
    }, { maxBatch: 100, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3].map((item) => batcher.submit(item)));
    expect(results).toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('collects items that arrive while a flush runs into the next flush, within maxBatch', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const batcher = new WriteBatcher<number, number>(async (items) => {
      flushes.push([...items]);
      if (flushes.length === 1) await first;
      return items;
    }, { maxBatch: 2, maxInFlight: 1 });
    const pending = [batcher.submit(1)];
    await new Promise((resolve) => setImmediate(resolve));
    pending.push(batcher.submit(2), batcher.submit(3), batcher.submit(4));
    release();
    await Promise.all(pending);
    expect(flushes).toEqual([[1], [2, 3], [4]]);
  });

  it('fails every item of a failed flush, and keeps working afterwards', async () => {
    let fail = true;
    const batcher = new WriteBatcher<number, number>(async (items) => {
      if (fail) throw new Error('database down');
      return items;
    }, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.submit(3)).resolves.toBe(3);
  });

  it('refuses a flush that answers the wrong number of results', async () => {
    const batcher = new WriteBatcher<number, number>(async () => [], { maxBatch: 10, maxInFlight: 1 });
    await expect(batcher.submit(1)).rejects.toThrow(/0 results for 1 items/);
  });
});
