import { SystemConnector, SystemHostResolver } from './outbound-network.js';
import { SafeFetcher } from './safe-fetcher.js';
import { FakeConnector, FakeResolver } from '../../../test/support/fake-network.js';
import { get, OPTIONS, PUBLIC, PUBLIC_V6, refusal, startFetchLab, type FetchLab } from '../../../test/support/fetch-lab.js';

/** Where the fetcher may connect: special-use addresses in every spelling, DNS answers, schemes. */
describe('SafeFetcher address and scheme rules', () => {
  let lab: FetchLab;
  let ca: FetchLab['ca'];
  let tlsHost: FetchLab['tlsHost'];
  let plainHost: FetchLab['plainHost'];
  const publicNetwork = () => lab.publicNetwork();

  beforeAll(async () => {
    lab = await startFetchLab();
    ({ ca, tlsHost, plainHost } = lab);
  });

  afterAll(() => lab.stop());

  describe('special-use addresses are refused before any connection (CIMD -02 section 8.6)', () => {
    it.each([
      ['decimal loopback', 'https://2130706433/client.json'],
      ['octal loopback', 'https://0177.0.0.1/client.json'],
      ['hex short loopback', 'https://0x7f.1/client.json'],
      ['short loopback', 'https://127.1/client.json'],
      ['dotted loopback', 'https://127.0.0.1/client.json'],
      ['IPv6 loopback', 'https://[::1]/client.json'],
      ['IPv4-mapped loopback, dotted', 'https://[::ffff:127.0.0.1]/client.json'],
      ['IPv4-mapped loopback, hex', 'https://[::ffff:7f00:1]/client.json'],
      ['IPv4-compatible loopback', 'https://[::127.0.0.1]/client.json'],
      ['RFC 1918 10/8', 'https://10.0.0.5/client.json'],
      ['RFC 1918 172.16/12', 'https://172.16.3.4/client.json'],
      ['RFC 1918 192.168/16', 'https://192.168.1.1/client.json'],
      ['RFC 1918 in decimal', 'https://167772165/client.json'],
      ['cloud metadata', 'https://169.254.169.254/latest/meta-data/'],
      ['cloud metadata in hex', 'https://0xa9.0xfe.0xa9.0xfe/latest/meta-data/'],
      ['cloud metadata IPv4-mapped', 'https://[::ffff:a9fe:a9fe]/latest/meta-data/'],
      ['this network', 'https://0.0.0.0/client.json'],
      ['CGNAT', 'https://100.64.0.1/client.json'],
      ['benchmarking', 'https://198.18.0.1/client.json'],
      ['documentation', 'https://192.0.2.1/client.json'],
      ['multicast', 'https://224.0.0.1/client.json'],
      ['broadcast', 'https://255.255.255.255/client.json'],
      ['unique-local IPv6', 'https://[fd00::1]/client.json'],
      ['link-local IPv6', 'https://[fe80::1]/client.json'],
      ['NAT64 to metadata', 'https://[64:ff9b::a9fe:a9fe]/client.json'],
      ['6to4 embedding loopback', 'https://[2002:7f00:1::1]/client.json'],
      ['IPv6 unspecified', 'https://[::]/client.json'],
    ])('%s: %s', async (_name, url) => {
      const { resolver, connector, fetcher } = publicNetwork();
      const error = await refusal(fetcher.fetch(get(url)));
      expect(error.reason).toBe('special_use_address');
      expect(connector.attempts).toEqual([]);
      expect(resolver.lookups).toEqual([]);
    });

    it.each([
      ['loopback', ['127.0.0.1']],
      ['private', ['10.0.0.5']],
      ['metadata', ['169.254.169.254']],
      ['IPv6 loopback', ['::1']],
      ['unique-local', ['fd00::1']],
      ['IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['this network', ['0.0.0.0']],
      ['CGNAT', ['100.64.0.1']],
      ['benchmarking', ['198.18.0.1']],
      ['one public and one private answer', [PUBLIC, '10.0.0.5']],
      ['one public IPv6 and one link-local answer', [PUBLIC_V6, 'fe80::1']],
    ])('a DNS name resolving to %s is refused without connecting', async (_name, answer) => {
      const { resolver, connector, fetcher } = publicNetwork();
      resolver.answer('internal.example', answer);
      const error = await refusal(fetcher.fetch(get('https://internal.example/client.json')));
      expect(error.reason).toBe('special_use_address');
      expect(error.message).toContain('nothing was sent');
      expect(connector.attempts).toEqual([]);
    });

    it('pins the validated address: a rebinding second answer is never used for the first fetch', async () => {
      const { resolver, connector, fetcher } = publicNetwork();
      resolver.answer('doc.example', [PUBLIC], ['127.0.0.1']);
      const first = await fetcher.fetch(get('https://doc.example/client.json'));
      expect(first.status).toBe(200);
      expect(first.address).toBe(PUBLIC);
      expect(resolver.lookups).toEqual(['doc.example']);
      const second = await refusal(fetcher.fetch(get('https://doc.example/client.json')));
      expect(second.reason).toBe('special_use_address');
      expect(connector.attempts).toEqual([PUBLIC]);
    });

    it('refuses when the connected peer is not the validated address', async () => {
      const resolver = new FakeResolver().answer('doc.example', [PUBLIC]);
      const connector = new FakeConnector().route(PUBLIC, tlsHost.port, '10.1.2.3');
      const fetcher = new SafeFetcher({ ...OPTIONS, extraCa: [ca.certPem] }, resolver, connector);
      const error = await refusal(fetcher.fetch(get('https://doc.example/client.json')));
      expect(error.reason).toBe('special_use_address');
      expect(error.message).toContain('10.1.2.3');
    });
  });

  describe('schemes and the development loopback exception', () => {
    it.each(['http://doc.example/client.json', 'ftp://doc.example/x', 'file:///etc/passwd', 'data:application/json,{}', 'javascript:alert(1)'])(
      'refuses %s outside the exception',
      async (url) => {
        const { connector, fetcher } = publicNetwork();
        const error = await refusal(fetcher.fetch(get(url)));
        expect(error.reason).toBe('scheme_not_allowed');
        expect(connector.attempts).toEqual([]);
      },
    );

    it('fetches plain http from a loopback host only when the exception is on', async () => {
      const dev = new SafeFetcher({ ...OPTIONS, allowLoopback: true }, new SystemHostResolver(), new SystemConnector());
      const response = await dev.fetch(get(plainHost.url('/client.json')));
      expect(response.status).toBe(200);
      const production = new SafeFetcher(OPTIONS, new SystemHostResolver(), new SystemConnector());
      expect((await refusal(production.fetch(get(plainHost.url('/client.json'))))).reason).toBe('scheme_not_allowed');
    });

    it('refuses https to loopback without the exception (production), and allows it with the test CA in development', async () => {
      const production = new SafeFetcher({ ...OPTIONS, extraCa: [ca.certPem] }, new SystemHostResolver(), new SystemConnector());
      expect((await refusal(production.fetch(get(tlsHost.url('/client.json'))))).reason).toBe('special_use_address');
      const dev = new SafeFetcher({ ...OPTIONS, allowLoopback: true, extraCa: [ca.certPem] }, new SystemHostResolver(), new SystemConnector());
      expect((await dev.fetch(get(tlsHost.url('/client.json')))).status).toBe(200);
    });

    it('keeps refusing private addresses and plain http to public ones when the exception is on', async () => {
      const resolver = new FakeResolver().answer('doc.example', [PUBLIC]).answer('lan.example', ['192.168.1.10']);
      const connector = new FakeConnector();
      const dev = new SafeFetcher({ ...OPTIONS, allowLoopback: true }, resolver, connector);
      expect((await refusal(dev.fetch(get('http://doc.example/client.json')))).reason).toBe('scheme_not_allowed');
      expect((await refusal(dev.fetch(get('https://lan.example/client.json')))).reason).toBe('special_use_address');
      expect(connector.attempts).toEqual([]);
    });
  });
});
