import { loadConfig } from '../app-config.js';

const PRODUCTION = {
  MODE: 'production',
  AS_ISSUER: 'https://as.example.com',
  BACKEND_PUBLIC_URL: 'https://apps.example.com',
  MCP_PUBLIC_URL: 'https://mcp.example.com',
  AS_KEY_ENCRYPTION_KEY: 'b'.repeat(64),
  BACKEND_APP_PROFILES: '[{"id":"app","client_name":"App","redirect_uris":["https://app.example.com/cb"],"platforms":{"windows":{"formats":["packed-self"]}}}]',
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('CIMD, DCR and outbound fetch settings', () => {
  it('defaults: CIMD and DCR on, MCP profile, open trust, 5 KB documents, cache bounds 30 s to 1 day', () => {
    const { cimd } = loadConfig({});
    expect(cimd).toMatchObject({
      enabled: true,
      profile: { name: 'mcp-2025-11-25' },
      allowLoopbackHttp: true,
      allowQuery: false,
      maxDocumentBytes: 5120,
      cache: { minSeconds: 30, maxSeconds: 86400, memorySeconds: 5, forceRefreshIntervalSeconds: 10 },
      trust: { mode: 'open', allow: [], deny: [] },
      dcr: { enabled: true, secretTtlSeconds: 0 },
    });
  });

  it('turns the loopback exception off in production and refuses to start with it on', () => {
    expect(loadConfig(PRODUCTION).cimd.allowLoopbackHttp).toBe(false);
    expect(configError({ ...PRODUCTION, CIMD_ALLOW_LOOPBACK_HTTP: 'true' })).toBe(
      'CIMD_ALLOW_LOOPBACK_HTTP is a development-only switch and MODE=production refuses to start with it on',
    );
  });

  it('merges each trust rule policy with the global metadata policy at start', () => {
    const { cimd } = loadConfig({
      CIMD_TRUST_MODE: 'allowlist',
      CIMD_METADATA_POLICY: '{"scope":{"default":"read"}}',
      CIMD_TRUST_RULES: '[{"match":"https://*.example.com/apps/","require_private_key_jwt":true,"cache_max":300,"metadata_policy":{"scope":{"subset_of":["read","write"]}}}]',
      CIMD_DENY: 'https://bad.example.com/,https://evil.example/',
    });
    expect(cimd.trust.allow[0]).toMatchObject({
      host: 'example.com',
      wildcard: true,
      segments: ['apps'],
      requirePrivateKeyJwt: true,
      cacheMaxSeconds: 300,
      metadataPolicy: { scope: { default: 'read', subset_of: ['read', 'write'] } },
    });
    expect(cimd.trust.deny.map((pattern) => pattern.host)).toEqual(['bad.example.com', 'evil.example']);
  });

  it('validates configured clients at start with the shared validator', () => {
    const hash = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
    const { cimd } = loadConfig({
      AS_STATIC_CLIENTS: JSON.stringify([
        { client_id: 'cli', client_name: 'CLI', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' },
        { client_id: 'portal', client_name: 'Portal', redirect_uris: ['https://portal.example/cb'], token_endpoint_auth_method: 'client_secret_basic', client_secret_sha256: hash },
      ]),
    });
    expect(cimd.staticClients.map((client) => [client.metadata.client_id, client.metadata.token_endpoint_auth_method, client.secretHash])).toEqual([
      ['cli', 'none', undefined],
      ['portal', 'client_secret_basic', hash],
    ]);
  });

  it.each([
    [{ AS_STATIC_CLIENTS: '[{"client_id":"https://x.example/c.json","client_name":"X","redirect_uris":["https://x.example/cb"]}]' }, /not an http\(s\) URL/],
    [{ AS_STATIC_CLIENTS: '[{"client_id":"a","client_name":"A","redirect_uris":["http://evil.example/cb"]}]' }, /client a: redirect_uris: redirect_uris\[0\] uses http on a non-loopback host/],
    [{ AS_STATIC_CLIENTS: '[{"client_id":"a","client_name":"A","redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_post"}]' }, /client_secret_sha256/],
    [{ AS_STATIC_CLIENTS: '[{"client_id":"a","client_name":"A","redirect_uris":["https://a.example/cb"]},{"client_id":"a","client_name":"B","redirect_uris":["https://a.example/cb"]}]' }, /appears twice/],
  ])('refuses a bad configured client %j', (env, message) => {
    expect(configError(env as Record<string, string>)).toMatch(message);
  });

  it.each([
    [{ CIMD_PROFILE: 'draft-01' }, /^CIMD_PROFILE must be one of mcp-2025-11-25, draft-02/],
    [{ CIMD_TRUST_MODE: 'closed' }, /^CIMD_TRUST_MODE must be one of open, allowlist/],
    [{ CIMD_TRUST_RULES: '{}' }, /^CIMD_TRUST_RULES must be a JSON array/],
    [{ CIMD_TRUST_RULES: '[{"match":"example.com"}]' }, /^CIMD_TRUST_RULES must be valid; entry 0: "example.com" is not scheme/],
    [{ CIMD_TRUST_RULES: '[{"match":"https://a.example/","cache":5}]' }, /unknown member cache/],
    [{ CIMD_TRUST_RULES: '[{"match":"https://a.example/","cache_max":999999}]' }, /cache_max must be whole seconds/],
    [{ CIMD_TRUST_RULES: '[{"match":"https://a.example/","metadata_policy":{"scope":{"value":"a","one_of":["b"]}}}]' }, /value must be one of one_of/],
    [{ CIMD_METADATA_POLICY: '{"scope":{"defualt":"a"}}' }, /^CIMD_METADATA_POLICY must be an OpenID Federation metadata policy: scope: unknown operator defualt/],
    [{ CIMD_METADATA_POLICY: '{"scope":{"value":"a"}}', CIMD_TRUST_RULES: '[{"match":"https://a.example/","metadata_policy":{"scope":{"value":"b"}}}]' }, /different value values/],
    [{ CIMD_DENY: 'ftp://x.example/' }, /^CIMD_DENY must be a list of URL patterns/],
    [{ CIMD_CACHE_MIN: '10m', CIMD_CACHE_MAX: '1m' }, /^CIMD_CACHE_MAX must be at least CIMD_CACHE_MIN/],
    [{ CIMD_MEMORY_CACHE_TTL: '1m' }, /^CIMD_MEMORY_CACHE_TTL must be a duration from 0s to 10s/],
    [{ CIMD_MAX_DOCUMENT_BYTES: '10' }, /^CIMD_MAX_DOCUMENT_BYTES must be a size/],
    [{ DCR_INITIAL_ACCESS_TOKEN_SHA256: 'abc' }, /^DCR_INITIAL_ACCESS_TOKEN_SHA256 must be the hex SHA-256/],
    [{ FETCH_CA_FILE: '/nonexistent/ca.pem' }, /^FETCH_CA_FILE must be a readable PEM file/],
  ])('refuses %j with one line naming the setting', (env, message) => {
    expect(configError(env as Record<string, string>)).toMatch(message);
  });
});
