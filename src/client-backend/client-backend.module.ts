import { Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { AttestationModule } from './attestation/attestation.module.js';
import { InstallsModule } from './installs/installs.module.js';
import { MetadataDocumentsModule } from './metadata-documents/metadata-documents.module.js';

/** The client backend role: attested installs and their client metadata documents. */
@Module({
  imports: [AttestationModule, InstallsModule, MetadataDocumentsModule, AdminModule],
})
export class ClientBackendModule {}
