import 'reflect-metadata';
import { SystemClock } from '../common/clock/clock.js';
import { AppLogger } from '../common/logging/app-logger.js';
import { loadConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { resolveKeyEncryptionKey } from '../authorization-server/keys/key-encryption-key.js';
import { rotateSigningKey } from '../authorization-server/keys/signing-key-rotation.js';
import { SigningKeysRepository } from '../authorization-server/keys/signing-keys.repository.js';
import { openDatabase } from '../persistence/database.js';

/**
 * `npm run keys:rotate`: makes a new AS signing key active. The previous key stays published until the
 * tokens it signed have expired. Running replicas pick the new key up within AS_KEY_CACHE_TTL.
 */
try {
  const config = loadConfig(process.env);
  const logger = new AppLogger(config.server.logLevel === 'debug' ? 'info' : config.server.logLevel, 'keys:rotate');
  const kek = resolveKeyEncryptionKey(config.authorizationServer, config.database.dataDir, logger);
  const database = await openDatabase(config.database);
  try {
    const result = await rotateSigningKey(new SigningKeysRepository(database.dataSource), kek.key, config.authorizationServer, new SystemClock());
    process.stdout.write(
      `New signing key ${result.current} is active.` +
        (result.previous ? ` Previous key ${result.previous} stays published until ${result.previousPublishedUntil.toISOString()}.\n` : '\n'),
    );
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`keys:rotate failed: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
  process.exit(1);
}
