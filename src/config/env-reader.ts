import { ConfigError } from './config-error.js';

export type Mode = 'development' | 'production';
export type RawSettings = Record<string, unknown>;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Typed access to one flat namespace of settings (environment variables over an optional JSON config
 * file). Every reader throws a ConfigError naming the setting and what was expected.
 */
export class EnvReader {
  private readonly read = new Set<string>();

  constructor(
    private readonly source: RawSettings,
    readonly mode: Mode = 'development',
  ) {}

  has(name: string): boolean {
    const value = this.source[name];
    return value !== undefined && value !== '';
  }

  wasRead(name: string): boolean {
    return this.read.has(name);
  }

  raw(name: string): unknown {
    this.read.add(name);
    const value = this.source[name];
    return value === '' ? undefined : value;
  }

  fail(name: string, expected: string, got?: unknown): never {
    const suffix = got === undefined ? '' : ` (got "${show(got)}")`;
    throw new ConfigError(`${name} must be ${expected}${suffix}`);
  }

  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'string') this.fail(name, 'a string', value);
    return value;
  }

  requiredString(name: string, expected: string): string {
    const value = this.string(name);
    if (value === undefined) this.fail(name, expected);
    return value;
  }

  int(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      this.fail(name, `an integer from ${min} to ${max}`, value);
    }
    return number;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const text = value.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return true;
      if (['false', '0', 'no', 'off'].includes(text)) return false;
    }
    return this.fail(name, 'true or false', value);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !allowed.includes(value.trim() as T)) {
      this.fail(name, `one of ${allowed.join(', ')}`, value);
    }
    return value.trim() as T;
  }

  /** A list given as a JSON array or as a comma- or space-separated string. */
  list(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map((item) => item.trim());
    if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
    return this.fail(name, 'a list of strings (comma-separated or a JSON array)', value);
  }

  /** A duration in seconds: a whole number, optionally with a unit (s, m, h, d). */
  seconds(name: string, fallback: number, { min = 0, max = 365 * 86400 } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = typeof value === 'number' ? [String(value), String(value), 's'] : typeof value === 'string' ? /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim()) : null;
    const factor = { s: 1, m: 60, h: 3600, d: 86400 }[(match?.[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
    const seconds = match ? Number(match[1]) * factor : NaN;
    if (!Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
      this.fail(name, `a duration from ${min}s to ${max}s (for example 30s, 5m, 1h)`, value);
    }
    return seconds;
  }

  /** A size in bytes: a whole number, optionally with a unit (b, kb, mb). */
  bytes(name: string, fallback: number, { min = 1, max = 64 * 1024 * 1024 } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = typeof value === 'number' ? [String(value), String(value), 'b'] : typeof value === 'string' ? /^(\d+)\s*(b|kb|mb)?$/i.exec(value.trim()) : null;
    const size = match ? Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] : NaN;
    if (!Number.isSafeInteger(size) || size < min || size > max) {
      this.fail(name, `a size from ${min} to ${max} bytes (for example 64kb)`, value);
    }
    return size;
  }

  /** Structured settings: a JSON value in the environment, or the value itself in the config file. */
  json<T>(name: string, fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (typeof value !== 'string') return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      return this.fail(name, 'valid JSON', value);
    }
  }

  /**
   * A development-only switch: on by default in development mode, off in production, where
   * turning it on refuses to boot.
   */
  devSwitch(name: string, devDefault = true): boolean {
    if (this.mode === 'production') {
      if (this.bool(name, false)) {
        throw new ConfigError(`${name} is a development-only switch and MODE=production refuses to start with it on`);
      }
      return false;
    }
    return this.bool(name, devDefault);
  }
}
