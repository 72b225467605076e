import { Body, Controller, Header, HttpCode, Post, Req, Res, UsePipes } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { BackendIdentity } from '../common/backend-identity.js';
import { strictValidation } from '../common/strict-validation.pipe.js';
import { InstallRegistration } from './install-registration.service.js';
import { installView } from './install.view.js';
import { RegisterInstallDto } from './register-install.dto.js';

/** POST /v1/installs: register an install from a key attestation over a fresh challenge. */
@Controller('v1/installs')
export class InstallsController {
  constructor(
    private readonly registration: InstallRegistration,
    private readonly identity: BackendIdentity,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @UsePipes(strictValidation())
  async register(@Body() body: RegisterInstallDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Record<string, unknown>> {
    await this.rateLimiter.enforce({ rule: 'installs:ip', key: request.ip ?? 'unknown' });
    const install = await this.registration.register(body);
    const clientId = this.identity.clientId(install.id);
    response.setHeader('Location', clientId);
    return installView(install, clientId);
  }
}
