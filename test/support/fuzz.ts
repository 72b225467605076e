/** A small seeded PRNG (mulberry32), so a failing fuzz run can be replayed with FUZZ_SEED. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Fuzzer {
  readonly random: () => number;

  constructor(readonly seed: number) {
    this.random = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Values chosen to break parsers and validators. */
  value(): string {
    const kind = this.int(14);
    switch (kind) {
      case 0:
        return '';
      case 1:
        return 'x'.repeat(this.pick([1, 255, 256, 2048, 9000, 40_000]));
      case 2:
        return this.pick(['-1', '0', '9007199254740993', 'NaN', 'Infinity', '1e309', 'true', 'null', 'undefined']);
      case 3:
        return this.pick(['https://evil.example/cb', 'javascript:alert(1)', 'http://169.254.169.254/latest', 'http://[::1]:80/', 'file:///etc/passwd', '//evil.example']);
      case 4:
        return this.pick(['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --", '${7*7}', '{{7*7}}', '%00', '\u0000', '\r\nSet-Cookie: a=b']);
      case 5:
        return String.fromCodePoint(...Array.from({ length: 1 + this.int(30) }, () => this.int(0x10ffff + 1) & 0xffff || 0x41));
      case 6:
        return '%'.repeat(1 + this.int(5)) + 'zz%e0%80%ff%c3';
      case 7:
        return this.pick(['eyJhbGciOiJub25lIn0.e30.', 'a.b.c', 'a.b', '....', 'eyJ'.repeat(100)]);
      case 8:
        return this.pick(['S256', 'plain', 'code', 'token', 'authorization_code', 'refresh_token', 'client_credentials', 'none', 'private_key_jwt']);
      case 9:
        return this.pick(['urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'urn:x', 'http://localhost:1/c.json', 'https://localhost/client.json']);
      default:
        return Math.random().toString(36).slice(2, 2 + this.int(20));
    }
  }

  /** A form body: random known and unknown parameters, sometimes repeated, sometimes bracketed. */
  form(names: readonly string[]): string {
    const parts: string[] = [];
    const count = this.int(8);
    for (let i = 0; i < count; i += 1) {
      const name = this.random() < 0.8 ? this.pick(names) : this.pick(['a[b]', '__proto__', 'constructor', '', '%ff', 'x'.repeat(300)]);
      parts.push(`${encodeURIComponent(name)}=${this.random() < 0.1 ? this.value() : encodeURIComponent(this.value().toWellFormed())}`);
      if (this.random() < 0.15) parts.push(parts[parts.length - 1]);
    }
    return parts.join('&');
  }

  /** A JSON body: objects, arrays, deep nesting, wrong types. */
  json(names: readonly string[]): string {
    const kind = this.int(8);
    if (kind === 0) return '['.repeat(20_000) + ']'.repeat(20_000);
    if (kind === 1) return `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    if (kind === 2) return this.pick(['', 'null', '1', '"str"', '[]', '{', '{"a":}', '\u0000']);
    const object: Record<string, unknown> = {};
    const count = this.int(8);
    for (let i = 0; i < count; i += 1) {
      const values: unknown[] = [this.value(), this.int(1000) - 500, null, true, [this.value()], { nested: this.value() }, Array.from({ length: this.int(50) }, () => this.value())];
      object[this.random() < 0.85 ? this.pick(names) : '__proto__'] = this.pick(values);
    }
    return JSON.stringify(object);
  }

  /** Bytes that are not valid UTF-8. */
  invalidUtf8(): Buffer {
    return Buffer.from([0x61, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x26, 0x62, 0x3d, 0xf0, 0x28, 0x8c, 0xbc]);
  }
}
