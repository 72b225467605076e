interface Pending<I, R> {
  readonly item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface WriteBatcherOptions {
  /** Most items in one flush. */
  readonly maxBatch: number;
  /** Flushes running at once; items arriving meanwhile wait and go together in the next one. */
  readonly maxInFlight: number;
}

/**
 * Group commit for small writes: items submitted in the same turn of the event loop, or while earlier
 * flushes are running, are written together by one `flush` call (one database round trip). `flush`
 * answers one result per item, in order, so every caller still gets its own exact answer. Under light
 * load an item is flushed at the next event-loop turn, so it waits for no timer.
 */
export class WriteBatcher<I, R> {
  private queue: Pending<I, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: readonly I[]) => Promise<readonly R[]>,
    private readonly options: WriteBatcherOptions,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  private async run(batch: Pending<I, R>[]): Promise<void> {
    try {
      const results = await this.flush(batch.map((pending) => pending.item));
      if (results.length !== batch.length) throw new Error(`batch flush answered ${results.length} results for ${batch.length} items`);
      batch.forEach((pending, index) => pending.resolve(results[index]));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
