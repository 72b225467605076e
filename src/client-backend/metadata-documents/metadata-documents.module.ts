import { Module } from '@nestjs/common';
import { AttestationModule } from '../attestation/attestation.module.js';
import { InstallsModule } from '../installs/installs.module.js';
import { MetadataDocumentController } from './metadata-document.controller.js';

@Module({
  imports: [AttestationModule, InstallsModule],
  controllers: [MetadataDocumentController],
})
export class MetadataDocumentsModule {}
