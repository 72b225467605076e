import { Module } from '@nestjs/common';
import { AppLogger } from '../../common/logging/app-logger.js';
import { AS_CONFIG, DATABASE_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import type { DatabaseConfig } from '../../config/sections/database.js';
import { JwksController } from './jwks.controller.js';
import { KeyEncryptionKey, resolveKeyEncryptionKey } from './key-encryption-key.js';
import { SigningKeysRepository } from './signing-keys.repository.js';
import { SigningKeysService } from './signing-keys.service.js';

@Module({
  controllers: [JwksController],
  providers: [
    SigningKeysRepository,
    SigningKeysService,
    {
      provide: KeyEncryptionKey,
      useFactory: (config: AuthorizationServerConfig, database: DatabaseConfig, logger: AppLogger) =>
        resolveKeyEncryptionKey(config, database.dataDir, logger),
      inject: [AS_CONFIG, DATABASE_CONFIG, AppLogger],
    },
  ],
  exports: [SigningKeysService, KeyEncryptionKey],
})
export class KeysModule {}
