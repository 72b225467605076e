import { importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';

const MAX_ENTRIES = 5000;

/**
 * Imported verification keys, keyed by the JWK's content and algorithm, so a client's key is parsed once
 * rather than on every assertion. Bounded: the oldest entries go first.
 */
export class KeyImportCache {
  private readonly entries = new Map<string, Promise<CryptoKey | KeyObject | Uint8Array>>();

  get(jwk: JWK, alg: string): Promise<CryptoKey | KeyObject | Uint8Array> {
    const { kty, crv, x, y, n, e } = jwk;
    const id = JSON.stringify([alg, kty, crv, x, y, n, e]);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = importJWK(jwk, alg);
      entry.catch(() => this.entries.delete(id));
      this.entries.set(id, entry);
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return entry;
  }
}
