import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { ClientsModule } from '../clients/clients.module.js';
import { AuthorizationServerMetadata } from '../metadata/authorization-server-metadata.js';
import { MetadataModule } from '../metadata/metadata.module.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';

@Module({
  imports: [ClientsModule, MetadataModule],
  controllers: [RegistrationController],
  providers: [RegistrationService],
})
export class RegistrationModule implements OnModuleInit {
  constructor(
    private readonly metadata: AuthorizationServerMetadata,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
  ) {}

  onModuleInit(): void {
    // RFC 8414 section 2: advertised only when registration is actually open.
    if (this.config.dcr.enabled) this.metadata.contribute(() => ({ registration_endpoint: this.metadata.endpoint('/register') }));
  }
}
