interface Waiter {
  readonly grant: () => void;
}

export interface SlotRequest {
  /** Resolves with the release function once a slot is free. */
  readonly ready: Promise<() => void>;
  /** Gives up waiting (the fetch's deadline passed); a slot granted later is handed on at once. */
  cancel(): void;
}

/** A per-host concurrency cap: at most `limit` fetches to one host at a time, the rest wait in order. */
export class HostSlots {
  private readonly busy = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly limit: number) {}

  request(host: string): SlotRequest {
    if ((this.busy.get(host) ?? 0) < this.limit) {
      this.busy.set(host, (this.busy.get(host) ?? 0) + 1);
      return { ready: Promise.resolve(this.releaser(host)), cancel: () => undefined };
    }
    let cancelled = false;
    let waiter!: Waiter;
    const ready = new Promise<() => void>((resolve) => {
      waiter = {
        grant: () => {
          const release = this.releaser(host);
          if (cancelled) release();
          else resolve(release);
        },
      };
    });
    const queue = this.waiting.get(host) ?? [];
    queue.push(waiter);
    this.waiting.set(host, queue);
    return {
      ready,
      cancel: () => {
        cancelled = true;
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        if (queue.length === 0 && this.waiting.get(host) === queue) this.waiting.delete(host);
      },
    };
  }

  /** Slots in use for a host (for tests and diagnostics). */
  inUse(host: string): number {
    return this.busy.get(host) ?? 0;
  }

  private releaser(host: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.waiting.get(host);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiting.delete(host);
      if (next) {
        // The slot passes straight to the next waiter; the busy count stays the same.
        next.grant();
        return;
      }
      const count = (this.busy.get(host) ?? 1) - 1;
      if (count <= 0) this.busy.delete(host);
      else this.busy.set(host, count);
    };
  }
}
