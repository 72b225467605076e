import { FetchError } from '../../src/common/http/fetch-error.js';
import { isJsonMediaType, SafeFetcher, type SafeFetcherOptions, type SafeFetchRequest } from '../../src/common/http/safe-fetcher.js';
import { DocumentHost } from './document-host.js';
import { FakeConnector, FakeResolver } from './fake-network.js';
import { rejectionOf } from './rejection.js';
import { createTestCa, type TestCa } from './test-ca.js';

/** A "public" address: the fake network routes it to a loopback test host. */
export const PUBLIC = '93.184.216.34';
export const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';
export const OPTIONS: SafeFetcherOptions = {
  connectTimeoutMs: 500,
  totalTimeoutMs: 1000,
  maxConcurrentPerHost: 4,
  allowLoopback: false,
  userAgent: 'attested-cimd-test',
};
export const DOCUMENT = { client_id: 'https://doc.example/client.json', client_name: 'Doc' };

export function get(url: string, extra: Partial<SafeFetchRequest> = {}): SafeFetchRequest {
  return { url, maxBytes: 5120, accept: 'application/json', contentTypes: isJsonMediaType, ...extra };
}

export const refusal = (promise: Promise<unknown>): Promise<FetchError> => rejectionOf(promise, FetchError);

export interface FetchLab {
  readonly ca: TestCa;
  /** https on loopback, with a certificate for doc.example and localhost from the test CA. */
  readonly tlsHost: DocumentHost;
  readonly plainHost: DocumentHost;
  /** doc.example resolves to PUBLIC, which is routed to the https host. */
  publicNetwork(): { resolver: FakeResolver; connector: FakeConnector; fetcher: SafeFetcher };
  stop(): Promise<void>;
}

export async function startFetchLab(): Promise<FetchLab> {
  const ca = await createTestCa();
  const tlsHost = await DocumentHost.start({ tls: await ca.issue(['doc.example', 'localhost'], ['127.0.0.1']) });
  tlsHost.json('/client.json', DOCUMENT, { headers: { 'Cache-Control': 'max-age=60' }, etag: '"v1"' });
  const plainHost = await DocumentHost.start();
  plainHost.json('/client.json', DOCUMENT);
  return {
    ca,
    tlsHost,
    plainHost,
    publicNetwork() {
      const resolver = new FakeResolver().answer('doc.example', [PUBLIC]);
      const connector = new FakeConnector().route(PUBLIC, tlsHost.port);
      return { resolver, connector, fetcher: new SafeFetcher({ ...OPTIONS, extraCa: [ca.certPem] }, resolver, connector) };
    },
    async stop() {
      await tlsHost.stop();
      await plainHost.stop();
    },
  };
}
