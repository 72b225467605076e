import { DEMO_PROFILE_ID } from '../../src/config/sections/demo-app-profile.js';
import { BackendClient, type ChallengeResponse } from '../../src/device-simulator/index.js';
import { AttestationFactory } from '../fixtures/attestation/attestation-factory.js';
import { body } from '../support/http.js';
import { JWT_BEARER, authorize, clientAssertion, tokenRequest } from '../support/oauth-client.js';
import { deviceKey, machineClientDocument, type DeviceKey } from '../support/oauth-fixture.js';
import { ReplicaSet, describeOnPostgres } from '../support/replicas.js';
import type { RoundRobinProxy } from '../support/round-robin-proxy.js';
import { TestClients } from '../support/test-clients.js';
import { UserAgent, hiddenField } from '../support/user-agent.js';

/** Small enough to reach in a test, large enough for the concurrency tests (50 requests of one client). */
const LIMITS = {
  'token:ip': 3,
  'token:client': 60,
  'login:ip': 3,
  'login:account': 3,
  'registration:ip': 3,
  'challenges:ip': 3,
  'installs:ip': 3,
} as const;
/** A day-long window (aligned to UTC midnight), so no test straddles a window boundary in practice. */
const WINDOW_SECONDS = 86_400;

/** How long an AS replica may keep accepting a deleted install's document (see cimdBoundMs). */
const CACHE_ENV = {
  BACKEND_DOCUMENT_MAX_AGE: '2',
  BACKEND_DOCUMENT_CACHE_MS: '500',
  CIMD_CACHE_MIN: '0',
  CIMD_CACHE_MAX: '60',
  CIMD_MEMORY_CACHE_TTL: '1',
};
/**
 * The bound on accepting a deleted document: a backend replica may serve its rendered copy for
 * BACKEND_DOCUMENT_CACHE_MS after the deletion, and an AS keeps what it fetched for max-age clamped to
 * [CIMD_CACHE_MIN, CIMD_CACHE_MAX], shared by all replicas in the database; the in-process copy
 * (CIMD_MEMORY_CACHE_TTL) never outlives that expiry.
 */
const cimdBoundMs =
  Number(CACHE_ENV.BACKEND_DOCUMENT_CACHE_MS) +
  1000 * Math.min(Number(CACHE_ENV.CIMD_CACHE_MAX), Math.max(Number(CACHE_ENV.CIMD_CACHE_MIN), Number(CACHE_ENV.BACKEND_DOCUMENT_MAX_AGE)));
/** Polling interval and fetch time on a loaded two-core machine. */
const MARGIN_MS = 1000;

const DEMO_USER = { username: 'demo', password: 'demo-password' };
const ADMIN = { Authorization: 'Bearer dev-backend-admin-token' };
const REDIRECT = 'http://127.0.0.1/cb';

let addresses = 0;
/** A fresh client address (RFC 3849 documentation prefix), sent as X-Forwarded-For through the proxy. */
function nextAddress(): string {
  addresses += 1;
  return `2001:db8::${addresses.toString(16)}`;
}
const from = (address = nextAddress()) => ({ 'x-forwarded-for': address });

function postJson(url: string, payload: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}
const CHALLENGE_REQUEST = { profile_id: DEMO_PROFILE_ID, platform: 'android' };

describeOnPostgres('two authorization servers and two client backends on one PostgreSQL database', () => {
  let replicas: ReplicaSet;
  let clients: TestClients;
  let factory: AttestationFactory;
  let machineKey: DeviceKey;
  let machine: string;

  beforeAll(async () => {
    clients = await TestClients.start();
    const rateLimits = Object.fromEntries(Object.entries(LIMITS).map(([name, limit]) => [name, { limit, window_seconds: WINDOW_SECONDS }]));
    // Every backend replica trusts the same attestation roots: the factory's test PKI.
    factory = await AttestationFactory.create();
    replicas = await ReplicaSet.start({
      env: { RATE_LIMITS: JSON.stringify(rateLimits), CIMD_CLIENT_CREDENTIALS: 'true', BACKEND_ATTESTATION_ROOTS: factory.rootsSetting(), ...CACHE_ENV },
    });
    machineKey = await deviceKey();
    machine = machineClient('machine', machineKey);
  }, 120_000);

  afterAll(async () => {
    const exits = (await replicas?.stop()) ?? [];
    await clients?.stop();
    // Every replica shut down cleanly on SIGTERM and logged no error through all of the above.
    for (const exit of exits) {
      expect({ code: exit.code, stderr: exit.stderr }).toEqual({ code: 0, stderr: '' });
      expect(exit.stdout).not.toMatch(/"level":"error"/);
    }
  }, 30_000);

  beforeEach(() => {
    replicas?.asProxy.resetCounts();
    replicas?.backendProxy.resetCounts();
  });

  function machineClient(name: string, key: DeviceKey): string {
    return clients.add(name, machineClientDocument(key, REDIRECT));
  }

  type SigningKey = Pick<DeviceKey, 'privateKey' | 'kid'>;
  const assertionFor = (clientId: string, key: SigningKey) => clientAssertion({ clientId, audience: replicas.as, key: key.privateKey, kid: key.kid });

  async function clientCredentials(clientId: string, key: DeviceKey, headers: Record<string, string> = from()): Promise<Response> {
    return tokenRequest(replicas.as, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertionFor(clientId, key) }, headers);
  }

  function expectBothServed(proxy: RoundRobinProxy): void {
    expect(proxy.served).toHaveLength(2);
    for (const count of proxy.served) expect(count).toBeGreaterThan(0);
  }

  function statusCounts(statuses: readonly number[]): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  async function errorsOf(responses: readonly Response[]): Promise<Set<string>> {
    return new Set(await Promise.all(responses.map(async (response) => (await body(response)).error as string)));
  }

  async function tokensFor(clientId: string): Promise<{ access_token: string; refresh_token: string }> {
    const flow = await authorize({ as: replicas.as, clientId, redirectUri: REDIRECT, ...DEMO_USER });
    const response = await tokenRequest(replicas.as, { grant_type: 'authorization_code', code: flow.code, client_id: clientId, code_verifier: flow.verifier }, from());
    expect(response.status).toBe(200);
    return body(response);
  }

  async function grantRevocation(clientId: string): Promise<Array<{ revoked_reason: string | null }>> {
    return replicas.database.dataSource.query('SELECT revoked_reason FROM grants WHERE client_id = $1', [clientId]);
  }

  it('lets exactly one of 50 concurrent token requests carrying one client assertion succeed (jti shared by all replicas)', async () => {
    const assertion = await assertionFor(machine, machineKey);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        tokenRequest(replicas.as, { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: assertion }, from()),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 1, 401: 49 });
    expect(await errorsOf(responses.filter((response) => response.status !== 200))).toEqual(new Set(['invalid_client']));
    expectBothServed(replicas.asProxy);
  });

  it('lets exactly one of 50 concurrent redemptions of one code succeed, and revokes the grant (RFC 6749 section 4.1.2)', async () => {
    const client = clients.add('code-race', { redirect_uris: [REDIRECT] });
    const flow = await authorize({ as: replicas.as, clientId: client, redirectUri: REDIRECT, ...DEMO_USER });
    const exchange = { grant_type: 'authorization_code', code: flow.code, client_id: client, code_verifier: flow.verifier };
    const responses = await Promise.all(Array.from({ length: 50 }, () => tokenRequest(replicas.as, exchange, from())));
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 1, 400: 49 });
    expect(await errorsOf(responses.filter((response) => response.status !== 200))).toEqual(new Set(['invalid_grant']));
    expectBothServed(replicas.asProxy);

    const winner = await body(responses.find((response) => response.status === 200)!);
    const refreshed = await tokenRequest(replicas.as, { grant_type: 'refresh_token', refresh_token: winner.refresh_token, client_id: client }, from());
    expect(refreshed.status).toBe(400);
    expect((await body(refreshed)).error).toBe('invalid_grant');
    expect(await grantRevocation(client)).toEqual([{ revoked_reason: 'authorization code reused' }]);
  });

  it('lets exactly one of 20 concurrent uses of one refresh token succeed, and revokes the grant (reuse detection)', async () => {
    const client = clients.add('refresh-race', { redirect_uris: [REDIRECT] });
    const tokens = await tokensFor(client);
    replicas.asProxy.resetCounts();
    const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client };
    const responses = await Promise.all(Array.from({ length: 20 }, () => tokenRequest(replicas.as, refresh, from())));
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 1, 400: 19 });
    expect(await errorsOf(responses.filter((response) => response.status !== 200))).toEqual(new Set(['invalid_grant']));
    expectBothServed(replicas.asProxy);

    const winner = await body(responses.find((response) => response.status === 200)!);
    // The winner's new refresh token is refused too, on both replicas: the whole grant is gone.
    for (let i = 0; i < 2; i += 1) {
      const next = await tokenRequest(replicas.as, { ...refresh, refresh_token: winner.refresh_token }, from());
      expect(next.status).toBe(400);
      expect((await body(next)).error).toBe('invalid_grant');
    }
    expect(await grantRevocation(client)).toEqual([{ revoked_reason: 'refresh token reused' }]);
  });

  it('registers exactly one install from 20 concurrent registrations with one attestation challenge', async () => {
    const target = await new BackendClient(replicas.backend).challenge(DEMO_PROFILE_ID, 'android');
    const attempts = await Promise.all(Array.from({ length: 20 }, () => factory.androidKey(target)));
    const [{ count: before }] = await replicas.database.dataSource.query('SELECT count(*)::int AS count FROM installs');
    const responses = await Promise.all(attempts.map((built) => registerInstall(built.attestation, from())));
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 201: 1, 400: 19 });
    expect(await errorsOf(responses.filter((response) => response.status !== 201))).toEqual(new Set(['invalid_challenge']));
    const [{ count: after }] = await replicas.database.dataSource.query('SELECT count(*)::int AS count FROM installs');
    expect(after - before).toBe(1);
    expectBothServed(replicas.backendProxy);
  });

  function registerInstall(attestation: Record<string, unknown>, headers: Record<string, string>): Promise<Response> {
    return postJson(`${replicas.backend}/v1/installs`, { ...CHALLENGE_REQUEST, attestation }, headers);
  }

  async function attestedInstall(): Promise<{ clientId: string; installId: string; key: SigningKey }> {
    const target = await challengeFrom(nextAddress());
    const built = await factory.androidKey(target);
    const response = await registerInstall(built.attestation, from());
    expect(response.status).toBe(201);
    const install = await body(response);
    const key: SigningKey = { privateKey: built.key.pair.privateKey as SigningKey['privateKey'], kid: install.kid as string };
    return { clientId: install.client_id, installId: install.install_id, key };
  }

  async function challengeFrom(address: string): Promise<ChallengeResponse> {
    const response = await postJson(`${replicas.backend}/v1/attestation/challenges`, CHALLENGE_REQUEST, from(address));
    expect(response.status).toBe(201);
    return body(response);
  }

  it(`stops accepting a deleted install's document on every AS replica within the cache bound (${cimdBoundMs} ms)`, async () => {
    const [install, sibling] = [await attestedInstall(), await attestedInstall()];
    /** A token request that authenticates the install and then fails the grant: invalid_grant while the client is accepted. */
    const probe = async (as: string, { clientId, key } = install) => {
      const assertion = await assertionFor(clientId, key);
      const response = await tokenRequest(
        as,
        { grant_type: 'authorization_code', code: 'not-a-code', code_verifier: 'x'.repeat(43), redirect_uri: REDIRECT, client_assertion_type: JWT_BEARER, client_assertion: assertion },
        from(),
      );
      return { status: response.status, error: (await body(response)).error as string };
    };
    const direct = replicas.urls('authorization-server');
    for (const as of direct) expect(await probe(as)).toEqual({ status: 400, error: 'invalid_grant' });

    const deleted = await fetch(`${replicas.backend}/admin/installs/${install.installId}`, { method: 'DELETE', headers: ADMIN });
    expect(deleted.status).toBe(204);
    const deletedAt = Date.now();
    const delays = await Promise.all(
      direct.map(async (as) => {
        for (;;) {
          const answer = await probe(as);
          if (answer.error === 'invalid_client') {
            expect(answer.status).toBe(401);
            return Date.now() - deletedAt;
          }
          expect(answer).toEqual({ status: 400, error: 'invalid_grant' });
          // Bounded, and slow enough to stay under token:client for this install (two replicas polling).
          if (Date.now() - deletedAt > cimdBoundMs + 2500) return Number.POSITIVE_INFINITY;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }),
    );
    const worst = Math.max(...delays);
    const shown = delays.map((ms) => (Number.isFinite(ms) ? `${ms} ms` : `still accepted after ${cimdBoundMs + 2500} ms`));
    console.log(`deleted install refused by the ${direct.length} AS replicas after ${shown.join(', ')}; worst ${worst} ms (bound ${cimdBoundMs} ms)`);
    expect(worst).toBeLessThanOrEqual(cimdBoundMs + MARGIN_MS);
    // Only that install: its sibling from the same app is still accepted everywhere.
    for (const as of direct) expect(await probe(as, sibling)).toEqual({ status: 400, error: 'invalid_grant' });
    expectBothServed(replicas.backendProxy);
  });

  describe('rate limits are counted once for all replicas: 429 with Retry-After after exactly the limit', () => {
    type Attempt = () => Promise<Response>;
    interface Rule {
      readonly proxy: () => RoundRobinProxy;
      /** Makes the request that counts (a fresh one each call); `expected` is its status below the limit. */
      readonly setup: () => Promise<{ attempt: Attempt; expected: number }>;
      readonly check: (limited: Response) => Promise<void>;
    }

    const oauthError = async (limited: Response) => {
      expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
      expect(limited.headers.get('cache-control')).toBe('no-store');
      const error = await body(limited);
      expect(Object.keys(error).sort()).toEqual(['error', 'error_description']);
      expect(error.error).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/);
    };
    const backendError = async (limited: Response) => {
      expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
      const error = await body(limited);
      expect(Object.keys(error).sort()).toEqual(['error', 'error_description']);
    };
    const loginPage = async (limited: Response) => {
      expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
      const page = await limited.text();
      expect(page).toContain('Too many sign-in attempts');
      expect(page).toContain('<form');
    };

    /** Sign-ins with a wrong password, each posted with the CSRF token of one sign-in page served before. */
    async function signIns(): Promise<(username: string, address: string) => Promise<Response>> {
      const agent = new UserAgent();
      const page = await (await agent.request(`${replicas.as}/account`, { headers: from() })).text();
      const csrf = hiddenField(page, 'csrf');
      return (username, address) =>
        agent.request(`${replicas.as}/account/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...from(address) },
          body: new URLSearchParams({ csrf, username, password: 'wrong-password' }).toString(),
        });
    }

    const rules: Record<keyof typeof LIMITS, Rule> = {
      'token:ip': {
        proxy: () => replicas.asProxy,
        setup: async () => {
          const address = nextAddress();
          return { attempt: () => clientCredentials(machine, machineKey, from(address)), expected: 200 };
        },
        check: oauthError,
      },
      'token:client': {
        proxy: () => replicas.asProxy,
        setup: async () => {
          const key = await deviceKey();
          const client = machineClient('limited-client', key);
          return { attempt: () => clientCredentials(client, key), expected: 200 };
        },
        check: oauthError,
      },
      'login:ip': {
        proxy: () => replicas.asProxy,
        setup: async () => {
          const signIn = await signIns();
          const address = nextAddress();
          // A different account each time: only the address repeats.
          return { attempt: () => signIn(`nobody-${nextAddress()}`, address), expected: 401 };
        },
        check: loginPage,
      },
      'login:account': {
        proxy: () => replicas.asProxy,
        setup: async () => {
          const signIn = await signIns();
          // A different address each time: only the account repeats.
          return { attempt: () => signIn('mallory', nextAddress()), expected: 401 };
        },
        check: loginPage,
      },
      'registration:ip': {
        proxy: () => replicas.asProxy,
        setup: async () => {
          const address = nextAddress();
          const attempt = () => postJson(`${replicas.as}/register`, { client_name: 'rate limited', redirect_uris: [REDIRECT] }, from(address));
          return { attempt, expected: 201 };
        },
        check: oauthError,
      },
      'challenges:ip': {
        proxy: () => replicas.backendProxy,
        setup: async () => {
          const address = nextAddress();
          const attempt = () => postJson(`${replicas.backend}/v1/attestation/challenges`, CHALLENGE_REQUEST, from(address));
          return { attempt, expected: 201 };
        },
        check: backendError,
      },
      'installs:ip': {
        proxy: () => replicas.backendProxy,
        setup: async () => {
          // Challenges (from other addresses) and attestations made first, so the attempts are only registrations.
          const attestations: Array<Record<string, unknown>> = [];
          for (let i = 0; i < LIMITS['installs:ip'] + 2; i += 1) attestations.push((await factory.androidKey(await challengeFrom(nextAddress()))).attestation);
          const address = nextAddress();
          return { attempt: () => registerInstall(attestations.shift()!, from(address)), expected: 201 };
        },
        check: backendError,
      },
    };

    it.each(Object.keys(LIMITS) as Array<keyof typeof LIMITS>)('%s', async (name) => {
      const rule = rules[name];
      const { attempt, expected } = await rule.setup();
      rule.proxy().resetCounts();
      const statuses: number[] = [];
      for (let i = 0; i < LIMITS[name]; i += 1) statuses.push((await attempt()).status);
      expect(statuses).toEqual(Array(LIMITS[name]).fill(expected));
      // The next two land on different replicas: both refuse.
      for (let i = 0; i < 2; i += 1) {
        const limited = await attempt();
        expect(limited.status).toBe(429);
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= WINDOW_SECONDS).toBe(true);
        await rule.check(limited);
      }
      expectBothServed(rule.proxy());
    });
  });
});
