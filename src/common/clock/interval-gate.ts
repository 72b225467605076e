/** Says yes at most once per interval: for housekeeping piggy-backed on requests (expired rows). */
export class IntervalGate {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly everyMs: number) {}

  due(nowMs: number): boolean {
    if (nowMs - this.last < this.everyMs) return false;
    this.last = nowMs;
    return true;
  }
}
