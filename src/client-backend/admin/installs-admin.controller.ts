import { Controller, Delete, Get, Header, HttpCode, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { AdminGuard } from '../../common/admin/admin.guard.js';
import { strictValidation } from '../common/strict-validation.pipe.js';
import { InstallsAdmin } from './installs-admin.service.js';
import { ListInstallsQuery } from './list-installs.query.js';

/** Operator API over installs (Authorization: Bearer <admin token>). */
@Controller('admin/installs')
@UseGuards(AdminGuard)
export class InstallsAdminController {
  constructor(private readonly admin: InstallsAdmin) {}

  /** Filters: profile_id, platform, assurance, status (active, deleted, all), created_after, created_before; keyset paging. */
  @Get()
  @Header('Cache-Control', 'no-store')
  @UsePipes(strictValidation())
  list(@Query() query: ListInstallsQuery): Promise<Record<string, unknown>> {
    return this.admin.list(query);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  show(@Param('id') id: string): Promise<Record<string, unknown>> {
    return this.admin.show(id);
  }

  /** Revokes one install: its document answers 410 from now on. */
  @Delete(':id')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  delete(@Param('id') id: string): Promise<void> {
    return this.admin.delete(id);
  }
}
