import { readFileSync } from 'node:fs';
import { CIMD_PROFILES, type CimdProfile, type CimdProfileName } from '../../authorization-server/cimd/cimd-profile.js';
import { mergeMetadataPolicies, parseMetadataPolicy, type MetadataPolicy } from '../../authorization-server/cimd/metadata-policy.js';
import { parseUrlPattern, type TrustPolicy, type TrustRule, type UrlPattern } from '../../authorization-server/cimd/trust-policy.js';
import type { EnvReader } from '../env-reader.js';
import { readStaticClients, type StaticClientConfig } from './static-clients.js';

export interface OutboundHttpConfig {
  readonly connectTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxConcurrentPerHost: number;
  /** Extra trusted CA certificates (PEM), for hosts behind a private CA. */
  readonly extraCa: readonly string[];
}

export interface CimdCacheConfig {
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** How long one replica reuses a resolved client without asking the shared cache (0 = never). */
  readonly memorySeconds: number;
  /** The shortest interval between two forced refetches of one client (unknown kid, admin). */
  readonly forceRefreshIntervalSeconds: number;
}

export interface DcrConfig {
  readonly enabled: boolean;
  /** Hex SHA-256 of the initial access token (RFC 7591 section 3); unset means open registration. */
  readonly initialAccessTokenSha256?: string;
  /** Lifetime of issued client secrets; 0 means they do not expire. */
  readonly secretTtlSeconds: number;
}

export interface CimdConfig {
  readonly enabled: boolean;
  readonly profile: CimdProfile;
  /** Development only: http client ids on loopback hosts, and fetching from loopback addresses. */
  readonly allowLoopbackHttp: boolean;
  readonly allowQuery: boolean;
  /** Whether a CIMD client declaring private_key_jwt may use the client_credentials grant (off: any https host could mint machine tokens). */
  readonly allowClientCredentials: boolean;
  readonly maxClientIdLength: number;
  readonly maxDocumentBytes: number;
  readonly maxJwksBytes: number;
  readonly cache: CimdCacheConfig;
  readonly trust: TrustPolicy;
  readonly metadataPolicy: MetadataPolicy;
  readonly outbound: OutboundHttpConfig;
  readonly dcr: DcrConfig;
  /** Clients configured by the operator (AS_STATIC_CLIENTS), resolved before anything else. */
  readonly staticClients: readonly StaticClientConfig[];
}

const RULE_KEYS = ['match', 'require_private_key_jwt', 'cache_max', 'metadata_policy'];

function readPolicy(env: EnvReader): MetadataPolicy {
  try {
    return parseMetadataPolicy(env.json<unknown>('CIMD_METADATA_POLICY', {}));
  } catch (error) {
    return env.fail('CIMD_METADATA_POLICY', `an OpenID Federation metadata policy: ${(error as Error).message}`);
  }
}

function readRules(env: EnvReader, global: MetadataPolicy, cacheMax: number): TrustRule[] {
  const raw = env.json<unknown>('CIMD_TRUST_RULES', []);
  const expected = `a JSON array of {"match": "https://host/path/", "require_private_key_jwt", "cache_max", "metadata_policy"}`;
  if (!Array.isArray(raw)) env.fail('CIMD_TRUST_RULES', expected, raw);
  return raw.map((entry: unknown, index: number) => {
    const item = entry as Record<string, unknown>;
    if (!item || typeof item !== 'object' || Array.isArray(item)) env.fail('CIMD_TRUST_RULES', expected, entry);
    const unknown = Object.keys(item).find((key) => !RULE_KEYS.includes(key));
    if (unknown) env.fail('CIMD_TRUST_RULES', `${expected}; entry ${index} has the unknown member ${unknown}`);
    try {
      const pattern = parseUrlPattern(item.match);
      const cacheMaxSeconds = item.cache_max === undefined ? undefined : Number(item.cache_max);
      if (cacheMaxSeconds !== undefined && !(Number.isSafeInteger(cacheMaxSeconds) && cacheMaxSeconds >= 0 && cacheMaxSeconds <= cacheMax)) {
        throw new Error(`cache_max must be whole seconds from 0 to CIMD_CACHE_MAX (${cacheMax})`);
      }
      if (item.require_private_key_jwt !== undefined && typeof item.require_private_key_jwt !== 'boolean') {
        throw new Error('require_private_key_jwt must be true or false');
      }
      const own = item.metadata_policy === undefined ? {} : parseMetadataPolicy(item.metadata_policy);
      return {
        ...pattern,
        requirePrivateKeyJwt: item.require_private_key_jwt === true,
        cacheMaxSeconds,
        metadataPolicy: mergeMetadataPolicies(global, own),
      };
    } catch (error) {
      return env.fail('CIMD_TRUST_RULES', `valid; entry ${index}: ${(error as Error).message}`);
    }
  });
}

function readDeny(env: EnvReader): UrlPattern[] {
  const raw = env.list('CIMD_DENY', []);
  return raw.map((entry) => {
    try {
      return parseUrlPattern(entry);
    } catch (error) {
      return env.fail('CIMD_DENY', `a list of URL patterns: ${(error as Error).message}`);
    }
  });
}

function readCa(env: EnvReader): string[] {
  const file = env.string('FETCH_CA_FILE');
  if (file === undefined) return [];
  try {
    const pem = readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no certificate');
    return [pem];
  } catch {
    return env.fail('FETCH_CA_FILE', 'a readable PEM file of CA certificates', file);
  }
}

export function readCimdConfig(env: EnvReader): CimdConfig {
  const minSeconds = env.seconds('CIMD_CACHE_MIN', 30, { min: 0, max: 86400 });
  const maxSeconds = env.seconds('CIMD_CACHE_MAX', 86400, { min: 0, max: 7 * 86400 });
  if (maxSeconds < minSeconds) env.fail('CIMD_CACHE_MAX', `at least CIMD_CACHE_MIN (${minSeconds}s)`, maxSeconds);
  const metadataPolicy = readPolicy(env);
  const dcrToken = env.string('DCR_INITIAL_ACCESS_TOKEN_SHA256');
  if (dcrToken !== undefined && !/^[0-9a-f]{64}$/i.test(dcrToken.trim())) {
    env.fail('DCR_INITIAL_ACCESS_TOKEN_SHA256', 'the hex SHA-256 (64 hex digits) of the initial access token', dcrToken);
  }
  const totalTimeoutMs = env.int('FETCH_TIMEOUT_MS', 5000, { min: 100, max: 60_000 });
  const profile = CIMD_PROFILES[env.oneOf<CimdProfileName>('CIMD_PROFILE', ['mcp-2025-11-25', 'draft-02'], 'mcp-2025-11-25')];
  const allowLoopbackHttp = env.devSwitch('CIMD_ALLOW_LOOPBACK_HTTP');
  return {
    enabled: env.bool('CIMD_ENABLED', true),
    profile,
    allowLoopbackHttp,
    allowQuery: env.bool('CIMD_ALLOW_QUERY', false),
    allowClientCredentials: env.bool('CIMD_CLIENT_CREDENTIALS', false),
    maxClientIdLength: env.int('CIMD_MAX_CLIENT_ID_LENGTH', 2048, { min: 64, max: 8192 }),
    maxDocumentBytes: env.bytes('CIMD_MAX_DOCUMENT_BYTES', 5 * 1024, { min: 512, max: 1024 * 1024 }),
    maxJwksBytes: env.bytes('CIMD_MAX_JWKS_BYTES', 16 * 1024, { min: 512, max: 1024 * 1024 }),
    cache: {
      minSeconds,
      maxSeconds,
      memorySeconds: env.seconds('CIMD_MEMORY_CACHE_TTL', 5, { min: 0, max: 10 }),
      forceRefreshIntervalSeconds: env.seconds('CIMD_FORCE_REFRESH_INTERVAL', 10, { min: 1, max: 3600 }),
    },
    trust: {
      mode: env.oneOf('CIMD_TRUST_MODE', ['open', 'allowlist'], 'open'),
      allow: readRules(env, metadataPolicy, maxSeconds),
      deny: readDeny(env),
    },
    metadataPolicy,
    outbound: {
      connectTimeoutMs: Math.min(env.int('FETCH_CONNECT_TIMEOUT_MS', 2000, { min: 100, max: 60_000 }), totalTimeoutMs),
      totalTimeoutMs,
      maxConcurrentPerHost: env.int('FETCH_MAX_PER_HOST', 4, { min: 1, max: 100 }),
      extraCa: readCa(env),
    },
    dcr: {
      enabled: env.bool('DCR_ENABLED', true),
      initialAccessTokenSha256: dcrToken?.trim().toLowerCase(),
      secretTtlSeconds: env.seconds('DCR_CLIENT_SECRET_TTL', 0, { min: 0, max: 5 * 365 * 86400 }),
    },
    staticClients: readStaticClients(env, profile, allowLoopbackHttp),
  };
}
