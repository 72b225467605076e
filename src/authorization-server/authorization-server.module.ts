import { Module } from '@nestjs/common';
import { ClientsModule } from './clients/clients.module.js';
import { KeysModule } from './keys/keys.module.js';
import { MetadataModule } from './metadata/metadata.module.js';
import { OAuthModule } from './oauth.module.js';
import { RegistrationModule } from './registration/registration.module.js';

/** The authorization server role. */
@Module({
  imports: [MetadataModule, KeysModule, ClientsModule, RegistrationModule, OAuthModule],
})
export class AuthorizationServerModule {}
