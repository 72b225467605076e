import { createHash } from 'node:crypto';
import { AuditLog } from '../src/common/audit/audit-log.js';
import { isAdminToken } from '../src/common/admin/admin.guard.js';
import { FakeClock } from '../src/common/clock/clock.js';
import { sha256Base64Url } from '../src/common/crypto/hash.js';
import { RateLimitedError } from '../src/common/errors/rate-limited.error.js';
import { RateLimiter } from '../src/common/rate-limit/rate-limiter.js';
import { loadConfig } from '../src/config/app-config.js';
import { RATE_LIMIT_DEFAULTS, type RateLimitsConfig } from '../src/config/sections/rate-limits.js';
import { CounterAndJtiWrites } from '../src/persistence/counter-and-jti-writes.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('shared services', () => {
  let database: TestDatabase;
  const clock = new FakeClock(Date.UTC(2026, 10, 22, 12, 0, 0));
  const rules: RateLimitsConfig = { ...RATE_LIMIT_DEFAULTS, 'login:ip': { limit: 10, windowSeconds: 60 }, 'token:ip': null };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.close());

  /** A replica's limiter: its own write batcher, the shared database. */
  const limiterFor = (config: RateLimitsConfig) => new RateLimiter(database.dataSource, new CounterAndJtiWrites(database.dataSource), clock, config);

  describe('RateLimiter', () => {
    it('lets exactly the limit through when requests race on two replicas sharing the database', async () => {
      const replicas = [limiterFor(rules), limiterFor(rules)];
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => replicas[i % 2].enforce({ rule: 'login:ip', key: '198.51.100.1' })),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(RateLimitedError);
      expect(refused.reason.status).toBe(429);
      expect(Number(refused.reason.headers['Retry-After'])).toBeGreaterThan(0);
      expect(Number(refused.reason.headers['Retry-After'])).toBeLessThanOrEqual(60);
    });

    it('counts keys separately and starts over in the next window', async () => {
      const limiter = limiterFor(rules);
      await expect(limiter.enforce({ rule: 'login:ip', key: '198.51.100.2' })).resolves.toBeUndefined();
      await expect(limiter.enforce({ rule: 'login:ip', key: '198.51.100.1' })).rejects.toBeInstanceOf(RateLimitedError);
      clock.advanceSeconds(60);
      await expect(limiter.enforce({ rule: 'login:ip', key: '198.51.100.1' })).resolves.toBeUndefined();
    });

    it('checks several rules in one call and refuses when any one is exceeded; a switched-off rule never refuses', async () => {
      const limiter = limiterFor({ ...rules, 'login:account': { limit: 1, windowSeconds: 60 } });
      await limiter.enforce({ rule: 'login:ip', key: '192.0.2.9' }, { rule: 'login:account', key: 'alice' });
      await expect(limiter.enforce({ rule: 'login:ip', key: '192.0.2.9' }, { rule: 'login:account', key: 'alice' })).rejects.toBeInstanceOf(
        RateLimitedError,
      );
      for (let i = 0; i < 20; i += 1) await limiter.enforce({ rule: 'token:ip', key: '192.0.2.9' });
    });

    it('refuses a key it saw over its limit without asking the database, only until that window ends', async () => {
      const limited = { ...rules, 'token:ip': { limit: 2, windowSeconds: 60 } };
      const [replica, other] = [limiterFor(limited), limiterFor(limited)];
      const check = { rule: 'token:ip', key: '192.0.2.77' } as const;
      const count = async () => Number((await database.dataSource.query('SELECT count FROM rate_limit_counters WHERE key_hash = $1', [sha256Base64Url(check.key)]))[0].count);
      expect(() => replica.refuseIfKnownOver(check)).not.toThrow();
      await replica.enforce(check);
      await other.enforce(check);
      // Below the limit nothing is remembered, so the database still decides.
      expect(() => replica.refuseIfKnownOver(check)).not.toThrow();
      await expect(replica.enforce(check)).rejects.toBeInstanceOf(RateLimitedError);
      expect(await count()).toBe(3);
      let refused: unknown;
      try {
        replica.refuseIfKnownOver(check);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(RateLimitedError);
      expect(Number((refused as RateLimitedError).headers['Retry-After'])).toBeGreaterThan(0);
      expect(await count()).toBe(3);
      // Another replica learns only from its own database answers.
      expect(() => other.refuseIfKnownOver(check)).not.toThrow();
      clock.advanceSeconds(60);
      expect(() => replica.refuseIfKnownOver(check)).not.toThrow();
      await expect(replica.enforce(check)).resolves.toBeUndefined();
    });

    it('stores keys only as hashes', async () => {
      const rows: Array<{ key_hash: string }> = await database.dataSource.query('SELECT key_hash FROM rate_limit_counters');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((row) => row.key_hash.includes('198.51.100'))).toBe(false);
    });

    it('records a jti once across racing replicas, counts only the request that used it first, and every request against `always` limits', async () => {
      const withAccount = { ...rules, 'login:account': { limit: 100, windowSeconds: 60 } };
      const replicas = [limiterFor(withAccount), limiterFor(withAccount)];
      const jti = { clientId: 'https://app.example/c.json', jtiHash: 'jti-hash-1', expiresAt: new Date(clock.nowMs() + 60_000), now: clock.now() };
      const fresh = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          replicas[i % 2].enforceWithJti(jti, { ifFresh: [{ rule: 'login:ip', key: '203.0.113.7' }], always: [{ rule: 'login:account', key: 'every-request' }] }),
        ),
      );
      expect(fresh.filter(Boolean)).toHaveLength(1);
      const count = async (key: string) =>
        Number((await database.dataSource.query('SELECT count FROM rate_limit_counters WHERE key_hash = $1', [sha256Base64Url(key)]))[0].count);
      expect(await count('203.0.113.7')).toBe(1);
      expect(await count('every-request')).toBe(20);
      // Once expired, the same value may be recorded again (the row is reclaimed in the same statement).
      clock.advanceSeconds(61);
      await expect(replicas[0].enforceWithJti({ ...jti, now: clock.now(), expiresAt: new Date(clock.nowMs() + 60_000) }, {})).resolves.toBe(true);
    });
  });

  describe('RATE_LIMITS configuration', () => {
    it('overrides or switches off named rules, and refuses unknown names', () => {
      const config = loadConfig({ RATE_LIMITS: '{"token:client":{"limit":5,"window_seconds":10},"login:ip":false}' });
      expect(config.rateLimits['token:client']).toEqual({ limit: 5, windowSeconds: 10 });
      expect(config.rateLimits['login:ip']).toBeNull();
      expect(config.rateLimits['installs:ip']).toEqual(RATE_LIMIT_DEFAULTS['installs:ip']);
      expect(() => loadConfig({ RATE_LIMITS: '{"nope":false}' })).toThrow(/^RATE_LIMITS must be a JSON object of rule name/);
      expect(() => loadConfig({ RATE_LIMITS: '{"login:ip":{"limit":0,"window_seconds":1}}' })).toThrow(/^RATE_LIMITS must be/);
    });
  });

  describe('AuditLog', () => {
    it('commits an entry together with the change it describes, and rolls it back with it', async () => {
      const audit = new AuditLog(database.dataSource, clock);
      await database.dataSource.transaction((manager) =>
        audit.record({ context: 'test', actor: 'operator', action: 'thing.deleted', targetType: 'thing', targetId: 'kept', details: { n: 1 } }, manager),
      );
      await expect(
        database.dataSource.transaction(async (manager) => {
          await audit.record({ context: 'test', actor: 'operator', action: 'thing.deleted', targetType: 'thing', targetId: 'lost' }, manager);
          throw new Error('change failed');
        }),
      ).rejects.toThrow('change failed');
      const rows = await database.dataSource.query(`SELECT actor, action, target_id, details, at FROM audit_log WHERE context = 'test'`);
      expect(rows).toEqual([{ actor: 'operator', action: 'thing.deleted', target_id: 'kept', details: { n: 1 }, at: clock.now() }]);
    });
  });

  describe('admin credential', () => {
    it('accepts only the token whose SHA-256 is configured', () => {
      const hash = createHash('sha256').update('s3cret-operator-token').digest('hex');
      const config = loadConfig({ BACKEND_ADMIN_TOKEN_SHA256: hash });
      expect(config.clientBackend.admin).toEqual({ sha256Hex: hash });
      expect(isAdminToken('s3cret-operator-token', config.clientBackend.admin)).toBe(true);
      expect(isAdminToken('s3cret-operator-tokeN', config.clientBackend.admin)).toBe(false);
      expect(isAdminToken('', config.clientBackend.admin)).toBe(false);
    });

    it('uses a named development token only in development, and none in production unless configured', () => {
      expect(loadConfig({}).authorizationServer.admin.developmentToken).toBe('dev-as-admin-token');
      expect(isAdminToken('dev-backend-admin-token', loadConfig({}).clientBackend.admin)).toBe(true);
      const production = loadConfig({
        MODE: 'production',
        ROLES: 'client-backend',
        BACKEND_PUBLIC_URL: 'https://apps.example.com',
        BACKEND_APP_PROFILES: '[{"id":"app","client_name":"App","redirect_uris":["https://app.example.com/cb"],"platforms":{"windows":{"formats":["packed-self"]}}}]',
      });
      expect(production.clientBackend.admin).toEqual({});
      expect(isAdminToken('dev-backend-admin-token', production.clientBackend.admin)).toBe(false);
      expect(() => loadConfig({ MODE: 'production', ROLES: 'client-backend', BACKEND_PUBLIC_URL: 'https://a.example', DEV_ADMIN_TOKENS: 'true' })).toThrow(
        'DEV_ADMIN_TOKENS is a development-only switch and MODE=production refuses to start with it on',
      );
    });
  });
});
