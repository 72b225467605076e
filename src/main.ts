import 'reflect-metadata';
import { startSystem } from './bootstrap/system.js';
import { SystemClock } from './common/clock/clock.js';
import { AppLogger } from './common/logging/app-logger.js';
import { loadConfig } from './config/app-config.js';
import { ConfigError } from './config/config-error.js';
import { openDatabase } from './persistence/database.js';

function exitWithConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  exitWithConfigError(error);
}

const logger = new AppLogger(config.server.logLevel, 'main');
logger.info('starting', { mode: config.server.mode, roles: config.server.roles, database: config.database.url ? 'postgres' : 'pglite' });

try {
  const database = await openDatabase(config.database);
  const system = await startSystem({ config, dataSource: database.dataSource, logger, clock: new SystemClock() }).catch(async (error) => {
    await database.close().catch(() => undefined);
    throw error;
  });
  logger.info('ready', { roles: system.roles.map((role) => ({ role: role.role, url: role.publicUrl })) });
  for (const [role, credential] of [
    ['authorization-server', config.authorizationServer.admin],
    ['client-backend', config.clientBackend.admin],
  ] as const) {
    if (!config.server.roles.includes(role)) continue;
    if (credential.developmentToken) logger.warn('development admin token in use', { role, token: credential.developmentToken });
    else if (!credential.sha256Hex) logger.warn('admin API disabled: no admin token hash configured', { role });
  }

  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.info('shutting down', { signal });
    system
      .stop()
      .then(() => database.close())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error) => {
          logger.failure('shutdown failed', error);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) exitWithConfigError(error);
  logger.failure('start failed', error);
  process.exit(1);
}
