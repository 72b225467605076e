import { ConnectionWaitTimeoutError } from '../database-errors.js';

/** A FIFO lock with a bounded wait: the embedded database has exactly one session to hand out. */
export class ConnectionMutex {
  private locked = false;
  private readonly waiters: Array<{ grant: () => void; timer?: NodeJS.Timeout }> = [];

  constructor(private readonly waitTimeoutMs: number) {}

  acquire(): Promise<() => void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: { grant: () => void; timer?: NodeJS.Timeout } = {
        grant: () => resolve(this.releaser()),
      };
      waiter.timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new ConnectionWaitTimeoutError(`no database session became free within ${this.waitTimeoutMs} ms`));
      }, this.waitTimeoutMs);
      waiter.timer.unref();
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant();
      } else {
        this.locked = false;
      }
    };
  }
}
