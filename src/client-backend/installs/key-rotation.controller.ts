import { Body, Controller, Header, HttpCode, Param, Post, Req, UsePipes } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { BackendIdentity } from '../common/backend-identity.js';
import { strictValidation } from '../common/strict-validation.pipe.js';
import { DeviceInstalls } from './device-installs.service.js';
import { installView } from './install.view.js';
import { RotateKeyDto } from './register-install.dto.js';

/** POST /v1/installs/{id}/keys (DeviceJWT): replace the device key; the document changes atomically. */
@Controller('v1/installs')
export class KeyRotationController {
  constructor(
    private readonly devices: DeviceInstalls,
    private readonly identity: BackendIdentity,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post(':id/keys')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @UsePipes(strictValidation())
  async rotate(@Param('id') id: string, @Body() body: RotateKeyDto, @Req() request: Request): Promise<Record<string, unknown>> {
    await this.rateLimiter.enforce({ rule: 'installs:ip', key: request.ip ?? 'unknown' });
    const install = await this.devices.rotateKey(request, id, body.attestation);
    return installView(install, this.identity.clientId(install.id));
  }
}
