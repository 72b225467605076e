import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { ConfigError } from '../../config/config-error.js';
import type { AppLogger } from '../../common/logging/app-logger.js';

/** The key-encryption key for the signing keys' private parts. */
export class KeyEncryptionKey {
  constructor(readonly key: Buffer) {}
}

/**
 * The configured KEK, or in development mode one generated once and kept in the data directory so
 * that restarts can still decrypt the stored keys.
 */
export function resolveKeyEncryptionKey(
  config: AuthorizationServerConfig,
  dataDir: string,
  logger: AppLogger,
): KeyEncryptionKey {
  if (config.keyEncryptionKey) return new KeyEncryptionKey(config.keyEncryptionKey);
  if (!config.generateDevKek) {
    throw new ConfigError('AS_KEY_ENCRYPTION_KEY must be set (32 bytes as 64 hex digits or base64url)');
  }
  const file = join(dataDir, 'dev-key-encryption-key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length !== 32) throw new ConfigError(`${file} does not hold a 32-byte key; delete it or set AS_KEY_ENCRYPTION_KEY`);
    logger.warn('using the development key-encryption key from the data directory', { file });
    return new KeyEncryptionKey(key);
  }
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key.toString('base64url'), { mode: 0o600 });
  logger.warn('generated a development key-encryption key; set AS_KEY_ENCRYPTION_KEY outside development', { file });
  return new KeyEncryptionKey(key);
}
