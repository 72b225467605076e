import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FakeConnector, FakeResolver } from '../../../test/support/fake-network.js';
import { DOCUMENT, get, OPTIONS, PUBLIC, refusal, startFetchLab, type FetchLab } from '../../../test/support/fetch-lab.js';
import { SystemConnector, SystemHostResolver } from './outbound-network.js';
import { SafeFetcher } from './safe-fetcher.js';

/** A raw TCP server that answers every connection with the given bytes (and optionally keeps dripping). */
async function rawHost(answer: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => answer(socket));
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

describe('SafeFetcher', () => {
  let lab: FetchLab;
  let ca: FetchLab['ca'];
  let tlsHost: FetchLab['tlsHost'];
  const publicNetwork = () => lab.publicNetwork();

  beforeAll(async () => {
    lab = await startFetchLab();
    ({ ca, tlsHost } = lab);
  });

  afterAll(() => lab.stop());


  describe('the https path', () => {
    it('fetches a document from a public name with a verified certificate, sending the safe headers', async () => {
      const { fetcher } = publicNetwork();
      const response = await fetcher.fetch(get('https://doc.example/client.json', { accept: 'application/cimd+json, application/json' }));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body.toString('utf8'))).toEqual(DOCUMENT);
      expect(response.headers['cache-control']).toBe('max-age=60');
      expect(response.headers.etag).toBe('"v1"');
      const seen = tlsHost.last('/client.json')!;
      expect(seen.headers.accept).toBe('application/cimd+json, application/json');
      expect(seen.headers['accept-encoding']).toBe('identity');
      expect(seen.headers.host).toBe('doc.example');
    });

    it('answers 304 to a conditional request without a body', async () => {
      const { fetcher } = publicNetwork();
      const response = await fetcher.fetch(get('https://doc.example/client.json', { ifNoneMatch: '"v1"' }));
      expect(response.status).toBe(304);
      expect(response.body.length).toBe(0);
    });

    it('refuses a certificate from an unknown CA (TLS validation stays on)', async () => {
      const resolver = new FakeResolver().answer('doc.example', [PUBLIC]);
      const connector = new FakeConnector().route(PUBLIC, tlsHost.port);
      const error = await refusal(new SafeFetcher(OPTIONS, resolver, connector).fetch(get('https://doc.example/client.json')));
      expect(error.reason).toBe('tls_failed');
    });

    it('refuses a certificate issued for another name', async () => {
      const resolver = new FakeResolver().answer('other.example', [PUBLIC]);
      const connector = new FakeConnector().route(PUBLIC, tlsHost.port);
      const fetcher = new SafeFetcher({ ...OPTIONS, extraCa: [ca.certPem] }, resolver, connector);
      const error = await refusal(fetcher.fetch(get('https://other.example/client.json')));
      expect(error.reason).toBe('tls_failed');
    });
  });

  describe('answers that are not a small JSON document', () => {
    it.each([301, 302, 303, 307, 308])('does not follow a %i redirect, even to a private address', async (status) => {
      const { connector, fetcher } = publicNetwork();
      tlsHost.status('/moved', status, { Location: 'https://169.254.169.254/latest/meta-data/' });
      const error = await refusal(fetcher.fetch(get('https://doc.example/moved')));
      expect(error.reason).toBe('redirect_refused');
      expect(error.status).toBe(status);
      expect(connector.attempts).toEqual([PUBLIC]);
    });

    it.each([201, 204, 404, 410, 500, 503])('refuses status %i (only 200 is a document)', async (status) => {
      const { fetcher } = publicNetwork();
      tlsHost.status(`/status-${status}`, status);
      const error = await refusal(fetcher.fetch(get(`https://doc.example/status-${status}`)));
      expect(error.reason).toBe('bad_status');
      expect(error.status).toBe(status);
    });

    it.each(['text/html', 'text/plain', 'application/octet-stream', ''])('refuses content type "%s"', async (type) => {
      const { fetcher } = publicNetwork();
      tlsHost.route('/typed', (_request, response) => response.writeHead(200, type ? { 'Content-Type': type } : {}).end('{}'));
      const error = await refusal(fetcher.fetch(get('https://doc.example/typed')));
      expect(error.reason).toBe('wrong_content_type');
    });

    it('accepts application/*+json types', async () => {
      const { fetcher } = publicNetwork();
      tlsHost.json('/cimd', DOCUMENT, { contentType: 'application/cimd+json; charset=utf-8' });
      expect((await fetcher.fetch(get('https://doc.example/cimd'))).status).toBe(200);
    });

    it('refuses a body over the limit announced by Content-Length before reading it', async () => {
      const { fetcher } = publicNetwork();
      const big = JSON.stringify({ padding: 'x'.repeat(6000) });
      tlsHost.route('/big', (_request, response) =>
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(big.length) }).end(big),
      );
      const error = await refusal(fetcher.fetch(get('https://doc.example/big')));
      expect(error.reason).toBe('too_large');
      expect(error.message).toContain('Content-Length');
    });

    it('refuses a chunked body over the limit while streaming', async () => {
      const { fetcher } = publicNetwork();
      tlsHost.route('/chunked', (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write(`{"padding":"${'x'.repeat(3000)}`);
        response.end(`${'x'.repeat(3000)}"}`);
      });
      const error = await refusal(fetcher.fetch(get('https://doc.example/chunked')));
      expect(error.reason).toBe('too_large');
      expect(error.message).toContain('body exceeds');
    });

    it('stops reading an endless chunked stream at the limit', async () => {
      const { fetcher } = publicNetwork();
      let written = 0;
      tlsHost.route('/endless', (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => {
          if (response.destroyed || written > 10_000_000) return clearInterval(timer);
          written += 1024;
          response.write('x'.repeat(1024));
        }, 1);
        response.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const error = await refusal(fetcher.fetch(get('https://doc.example/endless')));
      expect(error.reason).toBe('too_large');
      expect(Date.now() - started).toBeLessThan(OPTIONS.totalTimeoutMs);
      expect(written).toBeLessThan(1_000_000);
    });

    it('refuses a body longer than a lying Content-Length (conflicting framing)', async () => {
      const raw = await rawHost((socket) =>
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1770\r\n${'x'.repeat(6000)}\r\n0\r\n\r\n`,
        ),
      );
      const resolver = new FakeResolver().answer('raw.example', [PUBLIC]);
      const connector = new FakeConnector().route(PUBLIC, raw.port);
      const fetcher = new SafeFetcher({ ...OPTIONS, allowLoopback: false }, resolver, connector);
      // plain http is refused outright outside the loopback exception, so speak to the raw host in dev mode
      const dev = new SafeFetcher({ ...OPTIONS, allowLoopback: true }, new SystemHostResolver(), new SystemConnector());
      expect((await refusal(fetcher.fetch(get(`http://raw.example:${raw.port}/`)))).reason).toBe('scheme_not_allowed');
      const error = await refusal(dev.fetch(get(`http://127.0.0.1:${raw.port}/`)));
      expect(['too_large', 'protocol_error']).toContain(error.reason);
      raw.server.close();
    });

    it('refuses a compressed body (identity was asked for), so a gzip bomb is never inflated', async () => {
      const { fetcher } = publicNetwork();
      tlsHost.route('/gzip', (_request, response) =>
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(Buffer.alloc(100)),
      );
      const error = await refusal(fetcher.fetch(get('https://doc.example/gzip')));
      expect(error.reason).toBe('content_encoding_refused');
    });

    it('gives up on a body that trickles in slowly, within the total timeout', async () => {
      const { fetcher } = publicNetwork();
      tlsHost.route('/slow', (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{');
        const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write(' ')), 100);
        response.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const error = await refusal(fetcher.fetch(get('https://doc.example/slow')));
      expect(error.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(OPTIONS.totalTimeoutMs + 500);
    });

    it('gives up on a server that never answers the headers', async () => {
      const raw = await rawHost(() => undefined);
      const fetcher = new SafeFetcher({ ...OPTIONS, allowLoopback: true }, new SystemHostResolver(), new SystemConnector());
      const started = Date.now();
      const error = await refusal(fetcher.fetch(get(`http://127.0.0.1:${raw.port}/`)));
      expect(error.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(OPTIONS.totalTimeoutMs + 500);
      raw.server.close();
    });
  });


  it('caps concurrent fetches per host', async () => {
    let active = 0;
    let peak = 0;
    tlsHost.route('/held', (_request, response) => {
      active += 1;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active -= 1;
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      }, 50);
    });
    const resolver = new FakeResolver().answer('doc.example', [PUBLIC]);
    const connector = new FakeConnector().route(PUBLIC, tlsHost.port);
    const fetcher = new SafeFetcher({ ...OPTIONS, totalTimeoutMs: 5000, maxConcurrentPerHost: 2, extraCa: [ca.certPem] }, resolver, connector);
    const results = await Promise.all(Array.from({ length: 6 }, () => fetcher.fetch(get('https://doc.example/held'))));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(peak).toBe(2);
  });
});
