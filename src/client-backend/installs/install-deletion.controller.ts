import { Controller, Delete, Header, HttpCode, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { DeviceInstalls } from './device-installs.service.js';

/** DELETE /v1/installs/{id} (DeviceJWT): the install removes itself; its document answers 410 from now on. */
@Controller('v1/installs')
export class InstallDeletionController {
  constructor(private readonly devices: DeviceInstalls) {}

  @Delete(':id')
  @HttpCode(204)
  @Header('Cache-Control', 'no-store')
  async delete(@Param('id') id: string, @Req() request: Request): Promise<void> {
    await this.devices.delete(request, id);
  }
}
