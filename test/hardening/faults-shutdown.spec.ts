import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import { DocumentHost } from '../support/document-host.js';
import { FaultTraffic, latency, OAuthTrafficMix, statusSummary } from '../support/fault-traffic.js';
import { deviceKey, machineClientDocument, type DeviceKey } from '../support/oauth-fixture.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { TestClients } from '../support/test-clients.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const GRACE_MS = 3000;
/** The process must be gone this long after SIGTERM: the grace plus closing the apps and the database. */
const EXIT_BOUND_MS = GRACE_MS + 3000;
/** The slow client's document host answers after this long, so its token requests are in flight at SIGTERM. */
const SLOW_DOCUMENT_MS = 1000;

const print = (line: string) => process.stdout.write(`faults-shutdown: ${line}\n`);

/** How a new TCP connection to the port ends: accepted, or refused (no hang: bounded by a timer). */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 2000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
  });
}

describe('SIGTERM during load (real service process)', () => {
  let database: TestDatabase | undefined;
  let service: ServiceProcess;
  let clients: TestClients;
  let slowHost: DocumentHost;
  let key: DeviceKey;
  let fastId: string;
  let slowId: string;

  beforeAll(async () => {
    if (process.env.DATABASE_URL) database = await createTestDatabase();
    clients = await TestClients.start();
    key = await deviceKey();
    const machine = machineClientDocument(key);
    fastId = clients.add('fast', machine);
    slowHost = await DocumentHost.start();
    slowId = slowHost.url('/slow/client.json');
    const document = JSON.stringify({ client_id: slowId, client_name: 'slow', ...machine });
    slowHost.route('/slow/client.json', (_request, response) => {
      const timer = setTimeout(() => response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(document), SLOW_DOCUMENT_MS);
      response.on('close', () => clearTimeout(timer));
    });
    service = await startService({
      roles: ['authorization-server'],
      env: {
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        CIMD_CLIENT_CREDENTIALS: 'true',
        RATE_LIMITS: JSON.stringify({ 'token:ip': false, 'token:client': false }),
        ...(database ? { DATABASE_URL: database.url! } : {}),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop(1000);
    await slowHost?.stop();
    await clients?.stop();
    await database?.close();
  });

  it('finishes the requests in flight, refuses new connections, exits 0 within the bound and drains its logs', async () => {
    const as = service.url['authorization-server']!;
    const port = Number(new URL(as).port);
    const traffic = new FaultTraffic(15_000, 20);
    const mix = new OAuthTrafficMix(traffic, { as, issuer: as });
    traffic.run(4, () => mix.clientCredentials(fastId, key));
    traffic.run(4, () => mix.clientCredentials(slowId, key));
    const warmUntil = Date.now() + 15_000;
    while (Date.now() < warmUntil && !traffic.firstSuccessAfter(0, 'token:client_credentials')) await sleep(50);
    await sleep(SLOW_DOCUMENT_MS + 500);

    const signalledAt = Date.now();
    service.process.child.kill('SIGTERM');
    await sleep(200);
    const duringDrain = await tryConnect(port);
    const drainingAt = Date.now();
    const exit = await service.process.exited;
    const exitedAt = Date.now();
    await traffic.stop();
    const afterExit = await tryConnect(port);

    const before = traffic.samples.filter((sample) => sample.started < signalledAt);
    const inFlight = before.filter((sample) => sample.ended > signalledAt);
    const after = traffic.samples.filter((sample) => sample.started >= signalledAt);
    const inFlightLatency = latency(inFlight);
    print(`exit code ${exit.code} after ${exitedAt - signalledAt} ms (grace ${GRACE_MS} ms)`);
    print(`in flight at SIGTERM: ${statusSummary(inFlight)}; slowest finished ${inFlightLatency.max} ms after it was sent`);
    print(`sent after SIGTERM: ${statusSummary(after)}`);
    print(`a new connection ${drainingAt - signalledAt} ms after SIGTERM: ${duringDrain}; after exit: ${afterExit}`);

    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    expect(exitedAt - signalledAt).toBeLessThan(EXIT_BOUND_MS);
    // Requests sent before the signal, including the slow ones in flight, all completed: no reset.
    expect(inFlight.filter((sample) => sample.kind === 'token:client_credentials').length).toBeGreaterThan(0);
    expect(before.filter((sample) => sample.status !== 200).map((sample) => `${sample.status} ${sample.error}`)).toEqual([]);
    // After it: the listener is closed, so new connections are refused at once (not accepted and reset).
    expect(duringDrain).toBe('ECONNREFUSED');
    expect(afterExit).toBe('ECONNREFUSED');
    // Requests sent after it: answered before the listener closed, refused with 503 while draining, or
    // refused at connect. A request written on an idle keep-alive connection at the moment the server
    // closes it can still meet a reset (RFC 9112 section 9.6: clients retry those); nothing else is allowed.
    const clean = new Set(['200', '503 temporarily_unavailable', '0 ECONNREFUSED', '0 ECONNRESET', '0 UND_ERR_SOCKET']);
    const unclean = after.filter((sample) => !clean.has(sample.status === 200 ? '200' : `${sample.status} ${sample.error}`));
    expect(unclean.map((sample) => `${sample.status} ${sample.error}`)).toEqual([]);

    // Logs drained: an access line for every answered request, and the last line says the process stopped.
    const lines = service.logLines();
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'stopped' });
    const answered = traffic.samples.filter((sample) => sample.status === 200).length;
    expect(lines.filter((line) => line.msg === 'request' && line.path === '/token' && line.status === 200).length).toBe(answered);
  }, 60_000);
});
