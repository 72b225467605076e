import { Module } from '@nestjs/common';
import { KeysModule } from './keys/keys.module.js';
import { MetadataModule } from './metadata/metadata.module.js';

/** The authorization server role. */
@Module({
  imports: [MetadataModule, KeysModule],
})
export class AuthorizationServerModule {}
