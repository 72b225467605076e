import { readFileSync } from 'node:fs';
import type { EnvReader } from '../env-reader.js';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Where a role listens, and the public base URL it is known by (its issuer or origin). */
export interface ListenerConfig {
  readonly port: number;
  readonly host: string;
  /** Exactly as configured; never re-serialised, because clients compare it character by character. */
  readonly publicUrl: string;
  readonly tls?: TlsFiles;
}

/**
 * A public base URL: absolute http(s), no userinfo, query or fragment, no trailing slash, and already in
 * canonical form (lowercase scheme and host, no default port), so the configured string is the one that
 * every document and comparison uses.
 */
export function readBaseUrl(env: EnvReader, name: string, fallback: string): string {
  const value = env.string(name, fallback);
  const expected = 'an absolute http(s) URL in canonical form without trailing slash, query, fragment or userinfo';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return env.fail(name, expected, value);
  }
  const canonical = url.pathname === '/' ? url.origin : `${url.origin}${url.pathname}`;
  const ok =
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.username && !url.password && !url.search && !url.hash &&
    !value.endsWith('/') && canonical === value;
  if (!ok) env.fail(name, expected, value);
  return value;
}

function readTls(env: EnvReader, prefix: string): TlsFiles | undefined {
  const certFile = env.string(`${prefix}_TLS_CERT_FILE`);
  const keyFile = env.string(`${prefix}_TLS_KEY_FILE`);
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    env.fail(`${prefix}_TLS_${certFile ? 'KEY' : 'CERT'}_FILE`, `set together with ${prefix}_TLS_${certFile ? 'CERT' : 'KEY'}_FILE`);
  }
  const read = (name: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch {
      return env.fail(name, 'a readable PEM file', file);
    }
  };
  return { cert: read(`${prefix}_TLS_CERT_FILE`, certFile), key: read(`${prefix}_TLS_KEY_FILE`, keyFile) };
}

export function readListener(
  env: EnvReader,
  prefix: string,
  urlName: string,
  defaultPort: number,
): ListenerConfig {
  const port = env.int(`${prefix}_PORT`, defaultPort, { min: 0, max: 65535 });
  const host = env.string(`${prefix}_HOST`, env.mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const publicUrl = readBaseUrl(env, urlName, `http://localhost:${defaultPort}`);
  return { port, host, publicUrl, tls: readTls(env, prefix) };
}

/** Production serves every public URL over https (OAuth 2.1 section 1.5). */
export function requireHttps(env: EnvReader, name: string, url: string): void {
  if (env.mode === 'production' && !url.startsWith('https://')) env.fail(name, 'an https URL in production mode', url);
}
