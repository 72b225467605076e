/**
 * The most recent verifications, keyed by the SHA-256 of the token (the token itself is not kept).
 * Bounded: when full, the oldest entry goes. Only successful verifications are stored, so a flood of
 * bad tokens can't evict anything useful and always pays the full check.
 */
export class VerifiedTokenCache<Entry> {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  set(id: string, entry: Entry): void {
    this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(id, entry);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
