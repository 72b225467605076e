import { Module } from '@nestjs/common';
import { ADMIN_CREDENTIAL, AdminGuard } from '../../common/admin/admin.guard.js';
import { BACKEND_CONFIG } from '../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';
import { AttestationModule } from '../attestation/attestation.module.js';
import { InstallsModule } from '../installs/installs.module.js';
import { InstallsAdmin } from './installs-admin.service.js';
import { InstallsAdminController } from './installs-admin.controller.js';
import { InstallsQueryRepository } from './installs-query.repository.js';
import { ProfileInstallsAdminController } from './profile-installs-admin.controller.js';

@Module({
  imports: [AttestationModule, InstallsModule],
  controllers: [InstallsAdminController, ProfileInstallsAdminController],
  providers: [
    InstallsAdmin,
    InstallsQueryRepository,
    AdminGuard,
    { provide: ADMIN_CREDENTIAL, useFactory: (config: ClientBackendConfig) => config.admin, inject: [BACKEND_CONFIG] },
  ],
})
export class AdminModule {}
