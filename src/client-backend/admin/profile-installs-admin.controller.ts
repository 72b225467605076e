import { Controller, Delete, Header, Param, UseGuards } from '@nestjs/common';
import { AdminGuard } from '../../common/admin/admin.guard.js';
import { InstallsAdmin } from './installs-admin.service.js';

/** DELETE /admin/profiles/{profile_id}/installs: revokes every install of one app. */
@Controller('admin/profiles')
@UseGuards(AdminGuard)
export class ProfileInstallsAdminController {
  constructor(private readonly admin: InstallsAdmin) {}

  @Delete(':profileId/installs')
  @Header('Cache-Control', 'no-store')
  deleteAll(@Param('profileId') profileId: string): Promise<Record<string, unknown>> {
    return this.admin.deleteProfile(profileId);
  }
}
