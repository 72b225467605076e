import { Module } from '@nestjs/common';
import { AttestationModule } from '../attestation/attestation.module.js';
import { DeviceInstalls } from './device-installs.service.js';
import { DocumentCache } from './document-cache.js';
import { DeviceRequestVerifier } from './device-requests/device-request.verifier.js';
import { RequestJtisRepository } from './device-requests/request-jtis.repository.js';
import { InstallDeletionController } from './install-deletion.controller.js';
import { InstallRegistration } from './install-registration.service.js';
import { InstallsController } from './installs.controller.js';
import { InstallsRepository } from './installs.repository.js';
import { KeyRotationController } from './key-rotation.controller.js';

@Module({
  imports: [AttestationModule],
  controllers: [InstallsController, KeyRotationController, InstallDeletionController],
  providers: [DocumentCache, InstallsRepository, InstallRegistration, DeviceInstalls, DeviceRequestVerifier, RequestJtisRepository],
  exports: [InstallsRepository, DocumentCache],
})
export class InstallsModule {}
