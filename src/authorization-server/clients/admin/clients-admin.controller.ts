import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards, ValidationPipe } from '@nestjs/common';
import { AdminGuard } from '../../../common/admin/admin.guard.js';
import { BlockClientDto, ListClientsQuery, VerifyClientDto } from './clients-admin.dto.js';
import { ClientsAdminService } from './clients-admin.service.js';
import { ClientVerificationService, type VerificationResult } from './client-verification.service.js';

const validated = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/** Operator API for clients (bearer admin credential). A client_id in the path is percent-encoded. */
@Controller('admin/clients')
@UseGuards(AdminGuard)
export class ClientsAdminController {
  constructor(
    private readonly admin: ClientsAdminService,
    private readonly verification: ClientVerificationService,
  ) {}

  @Get()
  list(@Query(validated) query: ListClientsQuery): Promise<Record<string, unknown>> {
    return this.admin.list(query);
  }

  /** Dry run: every check a client-id URL goes through, passed or failed; nothing is stored. */
  @Post('verify')
  @HttpCode(200)
  verify(@Body(validated) body: VerifyClientDto): Promise<VerificationResult> {
    return this.verification.verify(body.client_id);
  }

  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<Record<string, unknown>> {
    return this.admin.get(clientId);
  }

  @Post(':clientId/block')
  @HttpCode(200)
  block(@Param('clientId') clientId: string, @Body(validated) body: BlockClientDto): Promise<Record<string, unknown>> {
    return this.admin.block(clientId, body.reason);
  }

  @Delete(':clientId/block')
  unblock(@Param('clientId') clientId: string): Promise<Record<string, unknown>> {
    return this.admin.unblock(clientId);
  }

  @Post(':clientId/refetch')
  @HttpCode(200)
  refetch(@Param('clientId') clientId: string): Promise<Record<string, unknown>> {
    return this.admin.refetch(clientId);
  }

  @Delete(':clientId')
  @HttpCode(204)
  delete(@Param('clientId') clientId: string): Promise<void> {
    return this.admin.delete(clientId);
  }
}
