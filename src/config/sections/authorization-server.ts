import type { EnvReader } from '../env-reader.js';
import { readAdminCredential, type AdminCredential } from './admin.js';
import { readBaseUrl, readListener, requireHttps, type ListenerConfig } from './listener.js';

export type SigningAlg = 'ES256' | 'EdDSA';

/** A protected resource this AS issues tokens for (RFC 8707 resource indicator). */
export interface ResourceServerConfig {
  /** The canonical resource URI, compared as an exact string. */
  readonly resource: string;
  readonly name: string;
  readonly scopes: readonly string[];
  /** Granted when the client asks for no scope. */
  readonly defaultScopes: readonly string[];
  /** Scope -> what it lets the client do, in words, for the consent page. */
  readonly scopeDescriptions?: Readonly<Record<string, string>>;
  /** Clients (the resource server itself) allowed to introspect access tokens issued for this resource. */
  readonly introspectionClients: readonly string[];
}

export interface AuthorizationServerConfig {
  readonly listener: ListenerConfig;
  /** RFC 8414 issuer identifier, spelled exactly as configured everywhere. */
  readonly issuer: string;
  readonly signingAlg: SigningAlg;
  /** 32-byte key-encryption key for the private parts of the signing keys. */
  readonly keyEncryptionKey?: Buffer;
  /** Development only: generate and keep a KEK in the data directory when none is configured. */
  readonly generateDevKek: boolean;
  readonly accessTokenTtlSeconds: number;
  /** How long a replica trusts its cached view of the signing keys before it looks for a rotation. */
  readonly keyCacheSeconds: number;
  readonly resources: readonly ResourceServerConfig[];
  /** Operator API (client administration). */
  readonly admin: AdminCredential;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 section 3.3 scope-token

function readKek(env: EnvReader): Buffer | undefined {
  const text = env.string('AS_KEY_ENCRYPTION_KEY');
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
  if (key.length !== 32) env.fail('AS_KEY_ENCRYPTION_KEY', '32 bytes as 64 hex digits or base64url', '<redacted>');
  return key;
}

function readResources(env: EnvReader, fallbackResource: string): ResourceServerConfig[] {
  const expected =
    'a JSON array of {"resource","name","scopes","default_scopes","scope_descriptions","introspection_clients"} with absolute URIs and RFC 6749 scope tokens';
  const raw = env.json<unknown>('AS_RESOURCES', [
    {
      resource: fallbackResource,
      name: 'Ticket desk (demo MCP server)',
      scopes: ['mcp:tickets:read', 'mcp:tickets:write'],
      default_scopes: ['mcp:tickets:read'],
      scope_descriptions: { 'mcp:tickets:read': 'Read your tickets', 'mcp:tickets:write': 'Create and close tickets for you' },
    },
  ]);
  if (!Array.isArray(raw) || raw.length === 0) env.fail('AS_RESOURCES', expected, raw);
  return raw.map((entry: unknown) => {
    const item = entry as Record<string, unknown>;
    const scopes = item?.scopes;
    const defaults = item?.default_scopes ?? [];
    const introspectionClients = item?.introspection_clients ?? [];
    const descriptions = item?.scope_descriptions ?? {};
    const descriptionsOk =
      typeof descriptions === 'object' && descriptions !== null && !Array.isArray(descriptions) &&
      Object.values(descriptions).every((text) => typeof text === 'string' && text.length <= 200);
    const isScopeList = (value: unknown): value is string[] =>
      Array.isArray(value) && value.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope));
    let resourceOk = false;
    if (typeof item?.resource === 'string') {
      try {
        const url = new URL(item.resource);
        // RFC 8707 section 2: an absolute URI without a fragment.
        resourceOk = !url.hash && !item.resource.includes('#') && (url.protocol === 'https:' || url.protocol === 'http:');
      } catch {
        resourceOk = false;
      }
    }
    const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (!resourceOk || !isScopeList(scopes) || !isScopeList(defaults) || !defaults.every((s) => scopes.includes(s)) || !isStringList(introspectionClients) || !descriptionsOk) {
      env.fail('AS_RESOURCES', expected, entry);
    }
    return {
      resource: item.resource as string,
      name: typeof item.name === 'string' ? item.name : (item.resource as string),
      scopes,
      defaultScopes: defaults,
      introspectionClients,
      scopeDescriptions: descriptions as Record<string, string>,
    };
  });
}

export function readAuthorizationServerConfig(env: EnvReader): AuthorizationServerConfig {
  const listener = readListener(env, 'AS', 'AS_ISSUER', 3000);
  if (new URL(listener.publicUrl).pathname !== '/') {
    env.fail('AS_ISSUER', 'an origin without a path (this server serves its endpoints at the root)', listener.publicUrl);
  }
  const mcpPublicUrl = readBaseUrl(env, 'MCP_PUBLIC_URL', 'http://localhost:3200');
  const keyEncryptionKey = readKek(env);
  const generateDevKek = env.devSwitch('AS_DEV_GENERATE_KEK');
  return {
    listener,
    issuer: listener.publicUrl,
    signingAlg: env.oneOf('AS_SIGNING_ALG', ['ES256', 'EdDSA'], 'ES256'),
    keyEncryptionKey,
    generateDevKek,
    accessTokenTtlSeconds: env.seconds('AS_ACCESS_TOKEN_TTL', 300, { min: 30, max: 3600 }),
    keyCacheSeconds: env.seconds('AS_KEY_CACHE_TTL', 30, { min: 1, max: 3600 }),
    resources: readResources(env, env.string('MCP_RESOURCE', `${mcpPublicUrl}/mcp`)),
    admin: readAdminCredential(env, 'AS', 'as'),
  };
}

/** Production rules that apply whenever this process runs the AS. */
export function checkAuthorizationServerProduction(env: EnvReader, config: AuthorizationServerConfig): void {
  requireHttps(env, 'AS_ISSUER', config.issuer);
  for (const resource of config.resources) requireHttps(env, 'AS_RESOURCES', resource.resource);
  if (!config.keyEncryptionKey && !config.generateDevKek) {
    env.fail('AS_KEY_ENCRYPTION_KEY', 'set (32 bytes as 64 hex digits or base64url) outside development mode');
  }
}
