import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config.js';
import { ConfigError } from './config-error.js';

const KEK = 'b'.repeat(64);
const PRODUCTION = {
  MODE: 'production',
  AS_ISSUER: 'https://as.example.com',
  BACKEND_PUBLIC_URL: 'https://apps.example.com',
  MCP_PUBLIC_URL: 'https://mcp.example.com',
  AS_KEY_ENCRYPTION_KEY: KEK,
  BACKEND_APP_PROFILES: JSON.stringify([
    { id: 'app', client_name: 'App', redirect_uris: ['https://app.example.com/callback'], platforms: { windows: { formats: ['packed-self'] } } },
  ]),
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('defaults to development with all three roles on their documented ports and embedded PostgreSQL', () => {
    const config = loadConfig({});
    expect(config.server.mode).toBe('development');
    expect(config.server.roles).toEqual(['authorization-server', 'client-backend', 'mcp-resource']);
    expect(config.authorizationServer.issuer).toBe('http://localhost:3000');
    expect(config.authorizationServer.listener.port).toBe(3000);
    expect(config.clientBackend.publicUrl).toBe('http://localhost:3100');
    expect(config.mcpResource.publicUrl).toBe('http://localhost:3200');
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./data');
    expect(config.authorizationServer.generateDevKek).toBe(true);
    expect(config.authorizationServer.resources[0].resource).toBe('http://localhost:3200/mcp');
  });

  it('starts a subset of roles with ROLES', () => {
    expect(loadConfig({ ROLES: 'client-backend' }).server.roles).toEqual(['client-backend']);
    expect(configError({ ROLES: 'client-backend,web' })).toBe(
      'ROLES must be a list of authorization-server, client-backend, mcp-resource (got "web")',
    );
  });

  it.each([
    ['AS_PORT', 'abc', 'AS_PORT must be an integer from 0 to 65535 (got "abc")'],
    ['AS_PORT', '70000', 'AS_PORT must be an integer from 0 to 65535 (got "70000")'],
    ['MODE', 'prod', 'MODE must be one of development, production (got "prod")'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of debug, info, warn, error (got "loud")'],
    ['AS_ACCESS_TOKEN_TTL', '2d', 'AS_ACCESS_TOKEN_TTL must be a duration from 30s to 3600s (for example 30s, 5m, 1h) (got "2d")'],
    ['BODY_LIMIT', 'huge', 'BODY_LIMIT must be a size from 1024 to 10485760 bytes (for example 64kb) (got "huge")'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL must be a postgres:// or postgresql:// connection URL (got "mysql://x")'],
    ['AS_KEY_ENCRYPTION_KEY', 'short', 'AS_KEY_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64url (got "<redacted>")'],
    ['TRUST_PROXY', 'everyone', 'TRUST_PROXY must be a list of IP addresses, CIDR ranges or loopback/linklocal/uniquelocal (got "everyone")'],
  ])('refuses %s=%s with one line naming the setting', (name, value, message) => {
    expect(configError({ [name]: value })).toBe(message);
  });

  it.each(['http://localhost:3000/', 'http://LOCALHOST:3000', 'http://localhost:80', 'http://u:p@localhost:3000', 'http://localhost:3000?x=1', 'ftp://localhost', 'localhost:3000'])(
    'refuses a public URL that is not canonical: %s',
    (issuer) => {
      expect(configError({ AS_ISSUER: issuer })).toMatch(/^AS_ISSUER must be an absolute http\(s\) URL in canonical form/);
    },
  );

  it('keeps the issuer string exactly as configured', () => {
    expect(loadConfig({ AS_ISSUER: 'https://auth.example.com:8443' }).authorizationServer.issuer).toBe('https://auth.example.com:8443');
  });

  it('boots in production with https URLs and a key-encryption key, with every dev-only switch off', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.server.mode).toBe('production');
    expect(config.authorizationServer.generateDevKek).toBe(false);
    expect(config.server.logLevel).toBe('info');
    expect(config.authorizationServer.listener.host).toBe('0.0.0.0');
  });

  it('refuses a development-only switch in production and names it', () => {
    expect(configError({ ...PRODUCTION, AS_DEV_GENERATE_KEK: 'true' })).toBe(
      'AS_DEV_GENERATE_KEK is a development-only switch and MODE=production refuses to start with it on',
    );
  });

  it('requires https public URLs in production for the roles that run', () => {
    expect(configError({ ...PRODUCTION, AS_ISSUER: 'http://as.example.com' })).toBe(
      'AS_ISSUER must be an https URL in production mode (got "http://as.example.com")',
    );
    expect(configError({ ...PRODUCTION, ROLES: 'mcp-resource', MCP_PUBLIC_URL: 'http://mcp.example.com' })).toMatch(
      /^MCP_PUBLIC_URL must be an https URL/,
    );
    // The AS derives its default resource from the MCP URL, and refuses a non-https resource.
    expect(configError({ ...PRODUCTION, MCP_PUBLIC_URL: 'http://mcp.example.com' })).toMatch(/^AS_RESOURCES must be an https URL/);
    // A backend-only deployment does not care how the AS is spelled.
    expect(() => loadConfig({ ...PRODUCTION, ROLES: 'client-backend', AS_ISSUER: 'http://as.example.com' })).not.toThrow();
  });

  it('requires a key-encryption key in production when the AS runs', () => {
    const { AS_KEY_ENCRYPTION_KEY: _omitted, ...withoutKek } = PRODUCTION;
    expect(configError(withoutKek)).toBe(
      'AS_KEY_ENCRYPTION_KEY must be set (32 bytes as 64 hex digits or base64url) outside development mode',
    );
  });

  it('requires TLS certificate and key together, and readable', () => {
    expect(configError({ AS_TLS_CERT_FILE: '/nonexistent.pem' })).toBe('AS_TLS_KEY_FILE must be set together with AS_TLS_CERT_FILE');
    expect(configError({ AS_TLS_CERT_FILE: '/nonexistent.pem', AS_TLS_KEY_FILE: '/nonexistent.key' })).toBe(
      'AS_TLS_CERT_FILE must be a readable PEM file (got "/nonexistent.pem")',
    );
  });

  describe('CONFIG_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acimd-config-'));
    const write = (name: string, content: string): string => {
      const file = join(dir, name);
      writeFileSync(file, content);
      return file;
    };

    it('reads settings from the file, and the environment overrides them', () => {
      const file = write('ok.json', JSON.stringify({ AS_PORT: 4000, LOG_LEVEL: 'warn', AS_RESOURCES: [{ resource: 'https://r.example/mcp', scopes: ['a'] }] }));
      const config = loadConfig({ CONFIG_FILE: file, LOG_LEVEL: 'error' });
      expect(config.authorizationServer.listener.port).toBe(4000);
      expect(config.server.logLevel).toBe('error');
      expect(config.authorizationServer.resources).toEqual([{ resource: 'https://r.example/mcp', name: 'https://r.example/mcp', scopes: ['a'], defaultScopes: [], introspectionClients: [], scopeDescriptions: {} }]);
    });

    it('refuses an unknown setting in the file (most likely a typo)', () => {
      expect(configError({ CONFIG_FILE: write('typo.json', '{"AS_PROT": 1}') })).toBe('CONFIG_FILE names an unknown setting: AS_PROT');
    });

    it('refuses a file that is not a JSON object', () => {
      expect(configError({ CONFIG_FILE: write('bad.json', '{nope') })).toMatch(/^CONFIG_FILE .*bad\.json is not valid JSON/);
      expect(configError({ CONFIG_FILE: write('array.json', '[]') })).toMatch(/must hold a JSON object/);
      expect(configError({ CONFIG_FILE: join(dir, 'missing.json') })).toMatch(/^CONFIG_FILE must name a readable file/);
    });
  });
});
