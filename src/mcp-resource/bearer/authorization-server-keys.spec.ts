import { FakeClock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { loadConfig } from '../../config/app-config.js';
import { ScriptedAuthorizationServer, scriptedKey, SCRIPTED_ISSUER, SCRIPTED_JWKS_URI } from '../../../test/support/scripted-authorization-server.js';
import { AuthorizationServerFetchError } from './authorization-server-http.js';
import { AuthorizationServerKeys, authorizationServerMetadataUrl } from './authorization-server-keys.js';

const ISSUER = SCRIPTED_ISSUER;
const JWKS_URI = SCRIPTED_JWKS_URI;
const publicJwk = async (kid: string) => (await scriptedKey(kid)).jwk;

describe('AuthorizationServerKeys', () => {
  const config = loadConfig({ MCP_AS_ISSUER: ISSUER, MCP_JWKS_CACHE_TTL: '300', MCP_JWKS_REFETCH_INTERVAL: '30' }).mcpResource;
  let as: ScriptedAuthorizationServer;
  let clock: FakeClock;
  let keys: AuthorizationServerKeys;
  const logs: string[] = [];

  beforeEach(async () => {
    as = new ScriptedAuthorizationServer();
    as.jwks = { keys: [await publicJwk('k1')] };
    clock = new FakeClock();
    logs.length = 0;
    keys = new AuthorizationServerKeys(as, config, clock, new AppLogger('debug', undefined, (line) => logs.push(line)));
  });

  it('discovers jwks_uri from the RFC 8414 metadata of the configured issuer, then imports the keys once', async () => {
    expect(await keys.key('k1', 'ES256')).toBeDefined();
    expect(await keys.key('k1', 'ES256')).toBe(await keys.key('k1', 'ES256'));
    expect(as.asked).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`, JWKS_URI]);
  });

  it('builds the RFC 8414 section 3.1 metadata URL for issuers with and without a path', () => {
    expect(authorizationServerMetadataUrl('https://as.example.test')).toBe('https://as.example.test/.well-known/oauth-authorization-server');
    expect(authorizationServerMetadataUrl('https://as.example.test/tenant1')).toBe('https://as.example.test/.well-known/oauth-authorization-server/tenant1');
  });

  it('shares one fetch among concurrent first requests', async () => {
    await Promise.all(Array.from({ length: 10 }, () => keys.key('k1', 'ES256')));
    expect(as.asked).toHaveLength(2);
  });

  it('refuses a key under another algorithm than the one it is published for, without refetching', async () => {
    expect(await keys.key('k1', 'EdDSA')).toBeUndefined();
    expect(as.asked).toHaveLength(2);
  });

  it('refetches on an unknown kid at most once per interval, and finds a key published since', async () => {
    await keys.key('k1', 'ES256');
    clock.advanceSeconds(30);
    as.jwks = { keys: [...as.jwks.keys, await publicJwk('k2')] };
    expect(await keys.key('k2', 'ES256')).toBeDefined();
    expect(await keys.key('nope', 'ES256')).toBeUndefined();
    expect(as.asked.filter((url) => url === JWKS_URI)).toHaveLength(2);
    clock.advanceSeconds(29);
    expect(await keys.key('nope-2', 'ES256')).toBeUndefined();
    expect(as.asked.filter((url) => url === JWKS_URI)).toHaveLength(2);
    clock.advanceSeconds(1);
    expect(await keys.key('nope-3', 'ES256')).toBeUndefined();
    expect(as.asked.filter((url) => url === JWKS_URI)).toHaveLength(3);
  });

  it('fetches metadata and keys again when the cache is older than the TTL, dropping withdrawn keys', async () => {
    await keys.key('k1', 'ES256');
    as.jwks = { keys: [await publicJwk('k2')] };
    clock.advanceSeconds(300);
    expect(await keys.key('k1', 'ES256')).toBeUndefined();
    expect(await keys.key('k2', 'ES256')).toBeDefined();
    expect(as.asked).toHaveLength(4);
  });

  it('keeps using the cached keys when a refresh fails, says so, and retries only after the interval', async () => {
    await keys.key('k1', 'ES256');
    as.down = true;
    clock.advanceSeconds(300);
    expect(await keys.key('k1', 'ES256')).toBeDefined();
    expect(logs.some((line) => line.includes('using the cached ones'))).toBe(true);
    const attempts = as.asked.length;
    for (let i = 0; i < 5; i += 1) expect(await keys.key('k1', 'ES256')).toBeDefined();
    expect(await keys.key('unknown', 'ES256')).toBeUndefined();
    expect(as.asked).toHaveLength(attempts);
    as.down = false;
    clock.advanceSeconds(30);
    expect(await keys.key('k1', 'ES256')).toBeDefined();
    expect(as.asked.length).toBeGreaterThan(attempts);
  });

  it('fails when there are no keys at all and the AS is unreachable, fast until the interval has passed', async () => {
    as.down = true;
    await expect(keys.key('k1', 'ES256')).rejects.toBeInstanceOf(AuthorizationServerFetchError);
    await expect(keys.key('k1', 'ES256')).rejects.toThrow(/failed moments ago/);
    expect(as.asked).toHaveLength(1);
    as.down = false;
    clock.advanceSeconds(30);
    expect(await keys.key('k1', 'ES256')).toBeDefined();
  });

  it('fails when an unknown kid forces a refetch and the AS is unreachable', async () => {
    await keys.key('k1', 'ES256');
    as.down = true;
    clock.advanceSeconds(30);
    await expect(keys.key('k9', 'ES256')).rejects.toBeInstanceOf(AuthorizationServerFetchError);
  });

  it('refuses metadata whose issuer is not the configured one (RFC 8414 section 3.3)', async () => {
    as.metadata = { issuer: 'https://evil.example.test', jwks_uri: JWKS_URI };
    await expect(keys.key('k1', 'ES256')).rejects.toThrow(/metadata issuer "https:\/\/evil.example.test" is not https:\/\/as.example.test/);
  });

  it('skips unusable JWKS entries and logs them, keeping the good ones', async () => {
    as.jwks = { keys: [await publicJwk('k1'), { kty: 'EC', crv: 'P-256', kid: 'broken', x: 'AAAA', y: 'AAAA', alg: 'ES256' }, { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }] };
    expect(await keys.key('k1', 'ES256')).toBeDefined();
    expect(await keys.key('broken', 'ES256')).toBeUndefined();
    const warning = logs.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'skipped unusable JWKS entries');
    expect(warning.skipped).toEqual([expect.stringMatching(/^kid hmac: holds private or symmetric key material/), expect.stringMatching(/^kid broken: not a valid ES256 key/)]);
  });
});
