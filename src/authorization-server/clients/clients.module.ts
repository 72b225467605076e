import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ADMIN_CREDENTIAL, AdminGuard } from '../../common/admin/admin.guard.js';
import { Connector, HostResolver, SystemConnector, SystemHostResolver } from '../../common/http/outbound-network.js';
import { SafeFetcher } from '../../common/http/safe-fetcher.js';
import { AS_CONFIG, CIMD_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { CimdDocuments } from '../cimd/cimd-documents.service.js';
import { JwksCacheRepository } from '../cimd/jwks-cache.repository.js';
import { JwksUriCache } from '../cimd/jwks-uri.cache.js';
import { AuthorizationServerMetadata } from '../metadata/authorization-server-metadata.js';
import { MetadataModule } from '../metadata/metadata.module.js';
import { ClientsAdminController } from './admin/clients-admin.controller.js';
import { ClientsAdminService } from './admin/clients-admin.service.js';
import { ClientVerificationService } from './admin/client-verification.service.js';
import { ClientResolver } from './client.js';
import { ClientUsageRecorder } from './client-usage.recorder.js';
import { ClientsRepository } from './clients.repository.js';
import { StoredClientResolver } from './stored-client.resolver.js';

/**
 * Client resolution for every AS endpoint. Import this module and inject `ClientResolver`:
 * `resolve(clientId, { forceRefresh })` and `keys(client, { forceRefresh })`.
 */
@Module({
  imports: [MetadataModule],
  controllers: [ClientsAdminController],
  providers: [
    { provide: HostResolver, useClass: SystemHostResolver },
    { provide: Connector, useClass: SystemConnector },
    {
      provide: SafeFetcher,
      useFactory: (config: CimdConfig, resolver: HostResolver, connector: Connector) =>
        new SafeFetcher(
          { ...config.outbound, allowLoopback: config.allowLoopbackHttp, userAgent: 'attested-cimd (+client-id-metadata-document fetcher)' },
          resolver,
          connector,
        ),
      inject: [CIMD_CONFIG, HostResolver, Connector],
    },
    ClientsRepository,
    JwksCacheRepository,
    CimdDocuments,
    JwksUriCache,
    ClientUsageRecorder,
    StoredClientResolver,
    { provide: ClientResolver, useExisting: StoredClientResolver },
    ClientsAdminService,
    ClientVerificationService,
    { provide: ADMIN_CREDENTIAL, useFactory: (config: AuthorizationServerConfig) => config.admin, inject: [AS_CONFIG] },
    AdminGuard,
  ],
  exports: [ClientResolver, ClientsRepository, SafeFetcher],
})
export class ClientsModule implements OnModuleInit {
  constructor(
    private readonly metadata: AuthorizationServerMetadata,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
  ) {}

  onModuleInit(): void {
    // CIMD -02 section 6: an AS that publishes metadata says whether it accepts metadata documents.
    if (this.config.enabled) this.metadata.contribute(() => ({ client_id_metadata_document_supported: true }));
  }
}
