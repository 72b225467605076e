import { Module } from '@nestjs/common';

/** The client backend role: attested installs and their client metadata documents. */
@Module({})
export class ClientBackendModule {}
