import { Module } from '@nestjs/common';
import { AuthorizationServerMetadata } from './authorization-server-metadata.js';
import { MetadataController } from './metadata.controller.js';

@Module({
  controllers: [MetadataController],
  providers: [AuthorizationServerMetadata],
  exports: [AuthorizationServerMetadata],
})
export class MetadataModule {}
