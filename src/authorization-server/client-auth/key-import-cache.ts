import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

const MAX_ENTRIES = 5000;

/**
 * Imported verification keys, keyed by the JWK's public members, so a client's key is parsed once
 * rather than on every assertion. Only the public members are imported (a private `d` is never read).
 * Bounded: the oldest entries go first. Throws for a JWK node:crypto can't import.
 */
export class KeyImportCache {
  private readonly entries = new Map<string, KeyObject>();

  get(jwk: JWK): KeyObject {
    const { kty, crv, x, y, n, e } = jwk;
    const id = JSON.stringify([kty, crv, x, y, n, e]);
    let entry = this.entries.get(id);
    if (!entry) {
      const members = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => value !== undefined)) as JsonWebKey;
      entry = createPublicKey({ key: members, format: 'jwk' });
      this.entries.set(id, entry);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry;
  }
}
