import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pageAlert } from '../../src/device-simulator/oauth/headless-browser.js';
import { clientProblemMessage } from '../../src/authorization-server/authorize/client-problem.js';
import { DocumentHost } from '../support/document-host.js';
import { FaultTraffic, latency, OAuthTrafficMix } from '../support/fault-traffic.js';
import { deviceKey, machineClientDocument, startOAuthFixture, type DeviceKey, type OAuthFixture } from '../support/oauth-fixture.js';
import { pkce } from '../support/oauth-client.js';
import { freePort } from '../support/processes.js';

const FETCH_TIMEOUT_MS = 2000;
const FETCH_CONNECT_TIMEOUT_MS = 500;
/** A faulty client's request must fail within the fetcher's deadline plus this margin. */
const MARGIN_MS = 1500;
const FAULT_WINDOW_MS = 3500;
const REDIRECT = 'http://127.0.0.1/cb';

const print = (line: string) => process.stdout.write(`faults-metadata-hosts: ${line}\n`);

/** Streams until the AS hangs up: a body that never ends (trickling) or one far over the size cap (huge). */
function stream(response: ServerResponse, chunk: string, everyMs: number): void {
  const timer = setInterval(() => {
    if (!response.destroyed) response.write(chunk);
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}

interface Fault {
  readonly name: string;
  /** The reason the AS gives a person at /authorize (see client-problem.ts). */
  readonly reason: 'fetch_failed' | 'invalid_document';
  /** Concurrent affected clients (each its own client_id, so the AS cannot fold their fetches into one). */
  readonly clients?: number;
  /** Serves the fault at a path of the host, or returns the client_id of a host that is down. */
  serve(host: DocumentHost, path: string): Promise<string | void> | string | void;
}

const FAULTS: Fault[] = [
  {
    name: 'down',
    reason: 'fetch_failed',
    // Nothing listens on this port: connection refused.
    serve: async (_host, path) => `http://localhost:${await freePort()}${path}`,
  },
  // More hanging clients than the per-host fetch cap (4): they queue for that host only.
  { name: 'silent', reason: 'fetch_failed', clients: 6, serve: (host, path) => host.route(path, () => undefined) },
  {
    name: 'trickling',
    reason: 'fetch_failed',
    clients: 6,
    serve: (host, path) =>
      host.route(path, (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{');
        stream(response, ' ', 100);
      }),
  },
  { name: 'not-json', reason: 'invalid_document', serve: (host, path) => host.json(path, '<html>not a document</html>') },
  {
    name: 'wrong-content-type',
    reason: 'fetch_failed',
    serve: (host, path) => host.json(path, { client_id: host.url(path), client_name: 'x', redirect_uris: [REDIRECT] }, { contentType: 'text/html' }),
  },
  {
    name: 'huge',
    reason: 'fetch_failed',
    serve: (host, path) =>
      host.route(path, (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(50 * 1024 * 1024) });
        response.write(`{"client_id":"${host.url(path)}","client_name":"`);
        stream(response, 'x'.repeat(64 * 1024), 5);
      }),
  },
  {
    name: 'wrong-client-id',
    reason: 'invalid_document',
    serve: (host, path) => host.json(path, { client_id: 'http://localhost:1/other/client.json', client_name: 'Other', redirect_uris: [REDIRECT] }),
  },
];

describe('CIMD metadata hosts that fail, while a healthy client keeps working', () => {
  let fixture: OAuthFixture;
  let healthyKey: DeviceKey;
  let healthyId: string;
  const hosts: DocumentHost[] = [];
  const faulty = new Map<string, string[]>();

  beforeAll(async () => {
    fixture = await startOAuthFixture({ env: { FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS), FETCH_CONNECT_TIMEOUT_MS: String(FETCH_CONNECT_TIMEOUT_MS), LOG_LEVEL: 'info' } });
    healthyKey = await deviceKey();
    // no-cache: the AS revalidates the healthy document on every request, so its fetches run beside the faulty ones.
    healthyId = fixture.clients.add('healthy', machineClientDocument(healthyKey, REDIRECT));
    for (const fault of FAULTS) {
      // One host per fault: the per-host fetch cap of one fault never touches another.
      const host = await DocumentHost.start();
      hosts.push(host);
      const ids: string[] = [];
      for (let client = 0; client < (fault.clients ?? 2); client += 1) {
        const path = `/${fault.name}/${client}/client.json`;
        ids.push((await fault.serve(host, path)) ?? host.url(path));
      }
      faulty.set(fault.name, ids);
    }
  });

  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await fixture.stop();
  });

  it('fails each affected client quickly with the right error; the healthy client keeps low latency and the event loop never stalls', async () => {
    const healthy = new FaultTraffic();
    const mix = new OAuthTrafficMix(healthy, { as: fixture.as, issuer: fixture.issuer });
    healthy.run(2, () => mix.clientCredentials(healthyId, healthyKey));
    const warmUntil = Date.now() + 10_000;
    while (Date.now() < warmUntil && healthy.samples.filter((sample) => sample.status === 200).length < 10) await sleep(50);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const faults = new FaultTraffic(15_000, 0);
    const pages: Array<{ fault: string; status: number; message?: string }> = [];
    const faultsFrom = Date.now();
    loop.enable();
    for (const fault of FAULTS) {
      const ids = faulty.get(fault.name)!;
      faults.run(ids.length, async (worker) => {
        const clientId = ids[worker];
        await faults.request(`${fault.name}:token`, `${fixture.as}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', code_verifier: pkce().verifier, redirect_uri: REDIRECT, client_id: clientId }).toString(),
        });
        const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's' });
        const answer = await faults.request(`${fault.name}:authorize`, `${fixture.as}/authorize?${query}`);
        pages.push({ fault: fault.name, status: answer?.status ?? 0, message: answer && pageAlert(answer.text) });
        await sleep(100);
      });
    }
    await sleep(FAULT_WINDOW_MS);
    await faults.stop();
    const faultsTo = Date.now();
    loop.disable();
    await healthy.stop();

    const during = healthy.between(faultsFrom, faultsTo);
    const figures = latency(during);
    print(`healthy client during the faults: ${figures.count} token requests, p50 ${figures.p50} ms, p99 ${figures.p99} ms, worst ${figures.max} ms`);
    const before = latency(healthy.between(0, faultsFrom));
    print(`healthy client before the faults: ${before.count} token requests, p50 ${before.p50} ms, p99 ${before.p99} ms`);
    print(`event loop delay during the faults: p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
    for (const fault of FAULTS) {
      const own = latency(faults.samples.filter((sample) => sample.kind.startsWith(`${fault.name}:`)));
      print(`${fault.name}: ${own.count} requests failed, p50 ${own.p50} ms, worst ${own.max} ms`);
    }

    for (const fault of FAULTS) {
      const tokens = faults.samples.filter((sample) => sample.kind === `${fault.name}:token`);
      expect(tokens.length).toBeGreaterThan(0);
      // RFC 6749 section 5.2: a client that can't be resolved fails client authentication.
      expect(new Set(tokens.map((sample) => `${fault.name} ${sample.status} ${sample.error}`))).toEqual(new Set([`${fault.name} 401 invalid_client`]));
      // Never redirected to an unverified redirect_uri: an error page naming the kind of problem.
      const seen = pages.filter((page) => page.fault === fault.name);
      expect(seen.length).toBeGreaterThan(0);
      expect(new Set(seen.map((page) => `${page.fault} ${page.status} ${page.message}`))).toEqual(new Set([`${fault.name} 400 ${clientProblemMessage(fault.reason)}`]));
      const slow = faults.samples.filter((sample) => sample.kind.startsWith(`${fault.name}:`) && sample.ms > FETCH_TIMEOUT_MS + MARGIN_MS);
      expect(slow.map((sample) => `${sample.kind} took ${sample.ms} ms`)).toEqual([]);
    }
    expect(figures.count).toBeGreaterThan(10);
    expect(during.filter((sample) => sample.status !== 200).map((sample) => `${sample.status} ${sample.error}`)).toEqual([]);
    // No healthy request waited as long as a faulty fetch does: nothing it needs (event loop, database
    // connections, fetch slots) was held by the faults.
    expect(figures.max).toBeLessThan(FETCH_TIMEOUT_MS);
    expect(loop.max / 1e6).toBeLessThan(FETCH_TIMEOUT_MS);
    expect(fixture.system.logs.find((entry) => entry.msg === 'unexpected error')).toEqual([]);
  }, 60_000);
});
