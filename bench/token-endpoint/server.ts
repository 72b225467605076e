import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { GrantsRepository } from '../../src/authorization-server/grants/grants.repository.js';
import { refreshTokenExpiry, RefreshTokensRepository } from '../../src/authorization-server/grants/refresh-tokens.repository.js';
import { UsersService } from '../../src/authorization-server/users/users.service.js';
import { openListener } from '../../src/bootstrap/listener.js';
import { startSystem } from '../../src/bootstrap/system.js';
import { SystemClock } from '../../src/common/clock/clock.js';
import { randomToken } from '../../src/common/crypto/random.js';
import { AppLogger } from '../../src/common/logging/app-logger.js';
import { loadConfig } from '../../src/config/app-config.js';
import { createPglite, openDatabase } from '../../src/persistence/database.js';
import { ACCESS_TOKEN_TTL_SECONDS, BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, readJsonEnv, type ServerPlan, type ServerReady } from './plan.js';

/**
 * Our authorization server for bench:token-endpoint, in a process of its own: one static private_key_jwt
 * client allowed client_credentials and refresh_token, refresh tokens seeded as if issued by a code
 * exchange. Rate limits stay on (every request still counts), with limits high enough for a benchmark.
 * Database: DATABASE_URL (a scratch database) or an in-memory PGlite.
 */
const plan = readJsonEnv<ServerPlan>('BENCH_SERVER_PLAN');
const listener = await openListener({ port: 0, host: '127.0.0.1' });
const issuer = `http://127.0.0.1:${listener.port}`;
const unlimited = { limit: 1_000_000_000, window_seconds: 60 };
const config = loadConfig({
  MODE: 'development',
  ROLES: 'authorization-server',
  LOG_LEVEL: 'warn',
  AS_KEY_ENCRYPTION_KEY: 'b'.repeat(64),
  AS_ISSUER: issuer,
  AS_PORT: String(listener.port),
  AS_ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
  AS_RESOURCES: JSON.stringify([{ resource: BENCH_RESOURCE, name: 'Bench', scopes: [BENCH_SCOPE], default_scopes: [BENCH_SCOPE] }]),
  AS_STATIC_CLIENTS: JSON.stringify([
    {
      client_id: BENCH_CLIENT_ID,
      client_name: 'Bench install',
      redirect_uris: ['https://apps.bench.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [plan.publicJwk] },
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: BENCH_SCOPE,
    },
  ]),
  RATE_LIMITS: JSON.stringify({ 'token:ip': unlimited, 'token:client': unlimited }),
  DATABASE_URL: process.env.DATABASE_URL,
});
const pglite = config.database.url ? undefined : await createPglite();
const database = await openDatabase(config.database, { pglite });
const system = await startSystem({ config, dataSource: database.dataSource, logger: new AppLogger('warn'), clock: new SystemClock() }, { 'authorization-server': listener });

const app = system.app('authorization-server');
const grants = app.get(GrantsRepository);
const refreshTokens = app.get(RefreshTokensRepository);
const user = await app.get(UsersService).create('bench-user', randomToken());
const now = new Date();
const grantExpiresAt = new Date(now.getTime() + 30 * 86_400_000);
const seeded: string[] = [];
await database.dataSource.transaction(async (manager) => {
  for (let i = 0; i < plan.refreshTokens; i += 1) {
    const grant = {
      id: randomUUID(),
      clientId: BENCH_CLIENT_ID,
      userId: user.id,
      scopes: [BENCH_SCOPE],
      resources: [BENCH_RESOURCE],
      authMethod: 'private_key_jwt' as const,
      createdAt: now,
      expiresAt: grantExpiresAt,
      revokedAt: null,
    };
    await grants.insert(grant, manager);
    const token = randomToken();
    await refreshTokens.insert(token, grant.id, BENCH_CLIENT_ID, now, refreshTokenExpiry(now, config.oauth.refreshTokenIdleSeconds, grantExpiresAt), manager);
    seeded.push(token);
  }
});

const ready: ServerReady = { pid: process.pid, url: issuer, issuer, database: database.kind, refreshTokens: seeded };
process.stdout.write(`${JSON.stringify(ready)}\n`);

process.once('SIGTERM', () => {
  void (async () => {
    await system.stop(1000);
    await database.close();
    await pglite?.close();
    process.exit(0);
  })();
});
