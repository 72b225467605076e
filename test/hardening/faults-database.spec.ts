import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { sha256Base64Url } from '../../src/common/crypto/hash.js';
import { loadOrCreateDevelopmentCa } from '../../src/client-backend/attestation/trust/development-ca.js';
import { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import { testPkiFromDevelopmentCa } from '../fixtures/attestation/test-pki.js';
import { FaultTraffic, latency, OAuthTrafficMix, statusSummary, type Sample } from '../support/fault-traffic.js';
import { ALICE, deviceKey, machineClientDocument, type DeviceKey } from '../support/oauth-fixture.js';
import { runCli, startService, type ServiceProcess } from '../support/service-process.js';
import { TestClients } from '../support/test-clients.js';
import { postgresBinDir, startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.js';
import { UserAgent } from '../support/user-agent.js';
import { describeNeedingPostgres } from '../support/describe-needing-postgres.js';

/** Every answer while the database is gone or hung must come within this bound (no hang). */
const ANSWER_BOUND_MS = 4000;
/** The service must serve again on its own within this bound after the database is back. */
const RECOVERY_BOUND_MS = 10_000;
const STATEMENT_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;

const binaries = postgresBinDir();
const print = (line: string) => process.stdout.write(`faults-database: ${line}\n`);
const OAUTH = /^(token:|authorize)/;

describeNeedingPostgres('PostgreSQL outages under traffic (real service process, throwaway cluster)', Boolean(binaries), 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql', () => {
  let database: ThrowawayPostgres;
  let service: ServiceProcess;
  let clients: TestClients;
  let machineKey: DeviceKey;
  let machineId: string;
  let appId: string;
  let factory: AttestationFactory;

  beforeAll(async () => {
    database = await startThrowawayPostgres();
    clients = await TestClients.start();
    machineKey = await deviceKey();
    machineId = clients.add('machine', machineClientDocument(machineKey));
    appId = clients.add('app', { redirect_uris: ['http://127.0.0.1/cb'] });
    service = await startService({
      roles: ['authorization-server', 'client-backend'],
      env: {
        DATABASE_URL: database.url,
        DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        CIMD_CLIENT_CREDENTIALS: 'true',
        LOG_LEVEL: 'warn',
        RATE_LIMITS: JSON.stringify({ 'login:ip': false, 'login:account': false, 'token:ip': false, 'token:client': false, 'installs:ip': false, 'challenges:ip': false }),
      },
    });
    const created = await runCli('dist/src/cli/users-create.js', service.env, [ALICE.username], `${ALICE.password}\n`);
    if (created.code !== 0) throw new Error(`users:create failed: ${created.stderr}`);
    factory = await AttestationFactory.create(await testPkiFromDevelopmentCa(await loadOrCreateDevelopmentCa(service.dataDir)));
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await clients?.stop();
    await database?.destroy();
  });

  /** The mixed traffic of both tests: token requests, code flows with refreshes, install registrations, probes. */
  function startTraffic(): { traffic: FaultTraffic; mix: OAuthTrafficMix } {
    const traffic = new FaultTraffic();
    const as = service.url['authorization-server']!;
    const backend = service.url['client-backend']!;
    const mix = new OAuthTrafficMix(traffic, { as, issuer: as, backend });
    traffic.run(2, () => mix.clientCredentials(machineId, machineKey));
    const agents = [new UserAgent()];
    traffic.run(agents.length, (worker) => mix.codeFlow(agents[worker], appId, 'http://127.0.0.1/cb', ALICE));
    traffic.run(1, () => mix.registerInstall(factory));
    traffic.run(1, () => mix.readiness(as));
    traffic.run(1, () => mix.readiness(backend));
    return { traffic, mix };
  }

  /** Until every kind of traffic has succeeded once (a code flow signs in first), within a bound. */
  async function warmUp(traffic: FaultTraffic): Promise<void> {
    const until = Date.now() + 15_000;
    while (Date.now() < until && !traffic.firstSuccessAfter(0, 'token:refresh_token')) await sleep(100);
    expect(traffic.firstSuccessAfter(0, 'token:refresh_token')).toBeDefined();
    await sleep(500);
  }

  async function waitForRecovery(traffic: FaultTraffic, since: number): Promise<Record<string, number>> {
    const kinds = ['token:client_credentials', 'token:authorization_code', 'token:refresh_token', 'install:register', 'readyz'];
    const until = Date.now() + RECOVERY_BOUND_MS + 5000;
    while (Date.now() < until && kinds.some((kind) => !traffic.firstSuccessAfter(since, kind))) await sleep(100);
    return Object.fromEntries(kinds.map((kind) => [kind, (traffic.firstSuccessAfter(since, kind)?.ended ?? Infinity) - since]));
  }

  /** What an outage may answer: 503 in each route's shape, never a 500, a 4xx, a reset or a hang. */
  function expectCleanUnavailability(samples: readonly Sample[]): void {
    const unexpected = samples.filter((sample) => ![200, 201, 503].includes(sample.status));
    expect(unexpected.map((sample) => `${sample.kind} ${sample.status} ${sample.error ?? ''}`)).toEqual([]);
    const unavailable = samples.filter((sample) => sample.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const sample of unavailable.filter((entry) => entry.kind.startsWith('token:'))) {
      // RFC 6749 section 5.2 JSON, and a hint when to retry (RFC 9110 section 10.2.3).
      expect({ kind: sample.kind, error: sample.error, retryAfter: sample.retryAfter, type: sample.contentType?.split(';')[0] }).toEqual({
        kind: sample.kind,
        error: 'temporarily_unavailable',
        retryAfter: expect.stringMatching(/^\d+$/),
        type: 'application/json',
      });
    }
    for (const sample of unavailable.filter((entry) => entry.kind.startsWith('install:'))) {
      expect({ kind: sample.kind, error: sample.error, type: sample.contentType?.split(';')[0] }).toEqual({ kind: sample.kind, error: 'temporarily_unavailable', type: 'application/json' });
    }
    const slow = samples.filter((sample) => sample.ms > ANSWER_BOUND_MS);
    expect(slow.map((sample) => `${sample.kind} took ${sample.ms} ms`)).toEqual([]);
  }

  /** Nothing half-written: each one-time artifact that was used has its successor, in one transaction. */
  async function expectNothingHalfWritten(mix: OAuthTrafficMix): Promise<void> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const count = async (sql: string, params: unknown[] = []) => Number((await client.query(sql, params)).rows[0].count);
      const consumedCodes = await count('SELECT count(*) FROM authorization_codes WHERE consumed_at IS NOT NULL');
      const rotated = await count('SELECT count(*) FROM refresh_tokens WHERE consumed_at IS NOT NULL');
      const installs = await count('SELECT count(*) FROM installs');
      print(`after the run: ${consumedCodes} codes redeemed, ${rotated} refresh tokens rotated, ${installs} installs`);
      expect(consumedCodes).toBeGreaterThan(0);
      expect(rotated).toBeGreaterThan(0);
      expect(installs).toBeGreaterThan(0);
      // A redeemed code bound its grant to the client's method and issued the refresh token at that instant.
      expect(
        await count(`SELECT count(*) FROM authorization_codes c JOIN grants g ON g.id = c.grant_id
          WHERE c.consumed_at IS NOT NULL AND (g.auth_method IS NULL OR NOT EXISTS (
            SELECT 1 FROM refresh_tokens r WHERE r.grant_id = c.grant_id AND r.created_at = c.consumed_at))`),
      ).toBe(0);
      // A rotated refresh token has a successor created at the instant it was consumed (OAuth 2.1 section 4.3.1).
      expect(
        await count(`SELECT count(*) FROM refresh_tokens r WHERE r.consumed_at IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM refresh_tokens n WHERE n.grant_id = r.grant_id AND n.token_hash <> r.token_hash AND n.created_at = r.consumed_at)`),
      ).toBe(0);
      // No reuse was detected: no client was left holding a token the server had already rotated.
      expect(await count('SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL')).toBe(0);
      // Every install has its key and its audit entry (one transaction).
      expect(
        await count(`SELECT count(*) FROM installs i WHERE NOT EXISTS (SELECT 1 FROM install_keys k WHERE k.install_id = i.id AND k.kid = i.kid)
          OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.target_id = i.id AND a.action = 'install.created')`),
      ).toBe(0);
      // Every registration the device saw succeed exists, and its challenge is spent.
      const ids = mix.installs.map((entry) => entry.installId);
      expect(await count('SELECT count(*) FROM installs WHERE id = ANY($1)', [ids])).toBe(ids.length);
      const hashes = mix.installs.map((entry) => sha256Base64Url(entry.challenge));
      expect(await count('SELECT count(*) FROM attestation_challenges WHERE challenge_hash = ANY($1)', [hashes])).toBe(0);
    } finally {
      await client.end();
    }
  }

  it('answers 503 fast while PostgreSQL is restarted, recovers by itself, and leaves nothing half-written', async () => {
    const { traffic, mix } = startTraffic();
    try {
      await warmUp(traffic);
      const downAt = Date.now();
      await database.stop();
      const stoppedAt = Date.now();
      await sleep(2000);
      const restartAt = Date.now();
      await database.start();
      const upAt = Date.now();
      const recovery = await waitForRecovery(traffic, upAt);
      await sleep(500);
      await traffic.stop();

      const outage = traffic.between(downAt, upAt);
      print(`pg_ctl stop took ${stoppedAt - downAt} ms, pg_ctl start ${upAt - restartAt} ms`);
      print(`while down: ${statusSummary(traffic.between(stoppedAt, restartAt))}`);
      const worst = latency(outage);
      print(`answers during the outage: ${worst.count}, p50 ${worst.p50} ms, p99 ${worst.p99} ms, worst ${worst.max} ms`);
      print(`recovery after the database was back (ms to first success): ${JSON.stringify(recovery)}`);
      expect(service.alive()).toBe(true);
      expectCleanUnavailability(outage);
      expect(traffic.between(stoppedAt, restartAt, 'readyz').every((sample) => sample.status === 503)).toBe(true);
      expect(traffic.between(stoppedAt, restartAt, OAUTH).filter((sample) => sample.status === 503).length).toBeGreaterThan(0);
      expect(Object.entries(recovery).filter(([, ms]) => ms >= RECOVERY_BOUND_MS)).toEqual([]);
      await expectNothingHalfWritten(mix);
    } finally {
      await traffic.stop();
    }
  }, 60_000);

  it('answers within the statement bound while PostgreSQL hangs (SIGSTOP), and recovers after SIGCONT', async () => {
    const { traffic, mix } = startTraffic();
    try {
      await warmUp(traffic);
      const frozenAt = Date.now();
      const pids = await database.freeze();
      // Longer than the answer bound, so a request that waits for the thaw is caught.
      await sleep(ANSWER_BOUND_MS + 1500);
      const thawAt = Date.now();
      database.thaw();
      const recovery = await waitForRecovery(traffic, thawAt);
      await sleep(500);
      await traffic.stop();

      // Requests sent while hung must be answered in time: none may wait for the thaw.
      const hung = traffic.between(frozenAt, thawAt);
      const worst = latency(traffic.between(frozenAt, thawAt));
      print(`froze ${pids.length} PostgreSQL processes for ${thawAt - frozenAt} ms`);
      print(`while hung: ${statusSummary(hung)}`);
      print(`answers while hung: ${worst.count}, p50 ${worst.p50} ms, p99 ${worst.p99} ms, worst ${worst.max} ms`);
      print(`recovery after SIGCONT (ms to first success): ${JSON.stringify(recovery)}`);
      expect(service.alive()).toBe(true);
      expect(hung.length).toBeGreaterThan(0);
      expectCleanUnavailability(traffic.between(frozenAt, thawAt));
      expect(Object.entries(recovery).filter(([, ms]) => ms >= RECOVERY_BOUND_MS)).toEqual([]);
      await expectNothingHalfWritten(mix);
    } finally {
      database.thaw();
      await traffic.stop();
    }
  }, 60_000);
});
