import { ClientResolutionError } from '../../src/authorization-server/clients/client.js';
import { ClientUsageRecorder } from '../../src/authorization-server/clients/client-usage.recorder.js';
import { ClientsRepository } from '../../src/authorization-server/clients/clients.repository.js';
import { StoredClientResolver } from '../../src/authorization-server/clients/stored-client.resolver.js';
import { CimdDocuments } from '../../src/authorization-server/cimd/cimd-documents.service.js';
import { JwksCacheRepository } from '../../src/authorization-server/cimd/jwks-cache.repository.js';
import { JwksUriCache } from '../../src/authorization-server/cimd/jwks-uri.cache.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { SystemHostResolver, type HostResolver } from '../../src/common/http/outbound-network.js';
import { SafeFetcher } from '../../src/common/http/safe-fetcher.js';
import { loadConfig } from '../../src/config/app-config.js';
import { vscodeLike } from '../fixtures/client-documents.js';
import { DocumentHost } from '../support/document-host.js';
import { FakeConnector, FakeResolver } from '../support/fake-network.js';
import { LogCapture } from '../support/log-capture.js';
import { rejectionOf } from '../support/rejection.js';
import { createTestCa } from '../support/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const PUBLIC = '93.184.216.34';
const TIMEOUT_MS = 1000;

/**
 * The whole resolution path in production mode (no loopback exception) over a simulated network:
 * names resolve through a fake DNS and "public" addresses are routed to a loopback https host, so no
 * packet ever leaves loopback while the server believes it talks to the internet.
 */
describe('SSRF defences of client resolution (production rules, simulated network)', () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const config = loadConfig({
    MODE: 'production',
    ROLES: 'authorization-server',
    AS_ISSUER: 'https://as.example',
    MCP_PUBLIC_URL: 'https://mcp.example',
    AS_KEY_ENCRYPTION_KEY: 'c'.repeat(64),
    FETCH_TIMEOUT_MS: String(TIMEOUT_MS),
  }).cimd;
  let database: TestDatabase;
  let host: DocumentHost;
  let caPem: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const ca = await createTestCa();
    caPem = ca.certPem;
    host = await DocumentHost.start({ tls: await ca.issue(['doc.example', 'rebind.example', 'localhost']) });
  });

  afterAll(async () => {
    await host.stop();
    await database.close();
  });

  function build(resolver: HostResolver = new FakeResolver().answer('doc.example', [PUBLIC])) {
    const connector = new FakeConnector().route(PUBLIC, host.port);
    const logs = new LogCapture();
    const fetcher = new SafeFetcher({ ...config.outbound, extraCa: [caPem], allowLoopback: false, userAgent: 'test' }, resolver, connector);
    const repository = new ClientsRepository(database.dataSource);
    const documents = new CimdDocuments(fetcher, repository, config, clock, logs.logger);
    const jwks = new JwksUriCache(fetcher, new JwksCacheRepository(database.dataSource), config, clock, logs.logger);
    const client = new StoredClientResolver(repository, documents, jwks, new ClientUsageRecorder(repository, clock, logs.logger), config, clock);
    return { connector, resolver: client, logs };
  }

  const refused = (promise: Promise<unknown>) => rejectionOf(promise, ClientResolutionError);

  async function stored(clientId: string): Promise<number> {
    const [{ count }] = await database.dataSource.query('SELECT count(*)::int AS count FROM as_clients WHERE client_id = $1', [clientId]);
    return count;
  }

  it.each([
    ['loopback', 'https://127.0.0.1/c.json'],
    ['IPv6 loopback', 'https://[::1]/c.json'],
    ['IPv4-mapped loopback', 'https://[::ffff:7f00:1]/c.json'],
    ['private', 'https://10.0.0.5/c.json'],
    ['link-local metadata', 'https://169.254.169.254/latest/meta-data/c.json'],
    ['unique-local', 'https://[fd00::1]/c.json'],
    ['CGNAT', 'https://100.64.0.1/c.json'],
  ])('refuses a %s address literal without connecting, caching nothing', async (_name, clientId) => {
    const { connector, resolver } = build();
    const error = await refused(resolver.resolve(clientId));
    expect(error.reason).toBe('fetch_failed');
    expect(error.message).toContain('special_use_address');
    expect(connector.attempts).toEqual([]);
    expect(await stored(clientId)).toBe(0);
  });

  it.each(['https://2130706433/c.json', 'https://0177.0.0.1/c.json', 'https://0x7f.1/c.json', 'https://[::ffff:127.0.0.1]/c.json'])(
    'refuses the non-canonical IP spelling %s as a client_id before any lookup',
    async (clientId) => {
      const { connector, resolver } = build();
      expect((await refused(resolver.resolve(clientId))).reason).toBe('invalid_client_id');
      expect(connector.attempts).toEqual([]);
    },
  );

  it.each([
    ['a private address', '10.0.0.5'],
    ['the metadata address', '169.254.169.254'],
    ['loopback', '127.0.0.1'],
    ['an IPv4-mapped address', '::ffff:169.254.169.254'],
  ])('refuses a DNS name resolving to %s', async (_name, address) => {
    const dns = new FakeResolver().answer('internal.example', [address]);
    const { connector, resolver } = build(dns);
    const error = await refused(resolver.resolve('https://internal.example/c.json'));
    expect(error.message).toContain('special_use_address');
    expect(connector.attempts).toEqual([]);
    expect(await stored('https://internal.example/c.json')).toBe(0);
  });

  it('defeats DNS rebinding: the validated address is used, a later private answer is refused', async () => {
    const id = 'https://rebind.example/c.json';
    host.json('/c.json', vscodeLike(id, 'https://rebind.example'), { headers: { 'Cache-Control': 'max-age=60' } });
    const dns = new FakeResolver().answer('rebind.example', [PUBLIC], ['127.0.0.1']);
    const { connector, resolver } = build(dns);
    await expect(resolver.resolve(id)).resolves.toMatchObject({ clientId: id });
    clock.advanceSeconds(61);
    expect((await refused(resolver.resolve(id))).message).toContain('special_use_address');
    expect(connector.attempts).toEqual([PUBLIC]);
  });

  describe('answers from a public host', () => {
    it.each([
      ['a redirect to a private address', (path: string) => host.status(path, 302, { Location: 'https://169.254.169.254/latest/meta-data/' }), 'redirect_refused'],
      ['a body over the limit (chunked)', (path: string) => host.route(path, (_q, r) => r.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"x":"${'a'.repeat(6000)}"}`)), 'too_large'],
      ['a wrong content type', (path: string) => host.json(path, {}, { contentType: 'text/html' }), 'wrong_content_type'],
      [
        'a body that trickles slowly',
        (path: string) =>
          host.route(path, (_q, response) => {
            response.writeHead(200, { 'Content-Type': 'application/json' });
            const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(' ')), 100);
            response.on('close', () => clearInterval(timer));
          }),
        'timeout',
      ],
    ])('refuses %s within the timeout and caches nothing', async (_name, serve, reason) => {
      const path = `/${reason}/c.json`;
      const id = `https://doc.example${path}`;
      serve(path);
      const { connector, resolver } = build();
      const started = Date.now();
      const error = await refused(resolver.resolve(id));
      expect(error.reason).toBe('fetch_failed');
      expect(error.message).toContain(reason);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
      expect(connector.attempts).toEqual([PUBLIC]);
      expect(await stored(id)).toBe(0);
    });

    it('never fetches a jwks_uri pointing to a special-use address (test idea 20)', async () => {
      const id = 'https://doc.example/jwks-private/c.json';
      host.json('/jwks-private/c.json', {
        ...vscodeLike(id, 'https://doc.example'),
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://169.254.169.254/jwks.json',
      });
      const { connector, resolver } = build();
      const client = await resolver.resolve(id);
      const error = await refused(resolver.keys(client));
      expect(error.reason).toBe('jwks_unavailable');
      expect(connector.attempts).toEqual([PUBLIC]);
      const [{ count }] = await database.dataSource.query('SELECT count(*)::int AS count FROM cimd_jwks_cache');
      expect(count).toBe(0);
    });
  });

  it('production refuses a loopback client_id such as https://localhost:8443/ (the development exception is off)', async () => {
    const { connector, resolver } = build(new SystemHostResolver());
    const error = await refused(resolver.resolve('https://localhost:8443/c.json'));
    expect(error.message).toContain('special_use_address');
    expect(connector.attempts).toEqual([]);
  });
});
