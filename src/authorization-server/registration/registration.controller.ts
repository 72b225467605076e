import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { constantTimeEqual } from '../../common/crypto/hash.js';
import { ApiError } from '../../common/errors/protocol-error.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { RegistrationService, type RegistrationResponse } from './registration.service.js';

/** RFC 7591 section 3: POST /register with a JSON body; 201 with the registered metadata. */
@Controller()
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly limiter: RateLimiter,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
  ) {}

  @Post('register')
  @HttpCode(201)
  async register(@Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<RegistrationResponse> {
    if (!this.config.dcr.enabled) throw new ApiError(404, 'not_found', 'There is nothing at this address.', { detail: 'DCR_ENABLED=false' });
    this.requireInitialAccessToken(request);
    await this.limiter.enforce({ rule: 'registration:ip', key: request.ip ?? 'unknown' });
    if (!request.is('application/json')) {
      throw new ApiError(400, 'invalid_client_metadata', 'The registration request must be sent as application/json.', { detail: `content type ${request.header('content-type')}` });
    }
    const registered = await this.registration.register(body, request.ip);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    return registered;
  }

  /** RFC 7591 section 3: an optional initial access token, as an RFC 6750 bearer token. */
  private requireInitialAccessToken(request: Request): void {
    const expected = this.config.dcr.initialAccessTokenSha256;
    if (!expected) return;
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.header('authorization') ?? '');
    const presented = match ? createHash('sha256').update(match[1]).digest('hex') : '';
    if (!match || !constantTimeEqual(presented, expected)) {
      throw new ApiError(401, 'invalid_token', 'A valid initial access token is required to register a client.', {
        headers: { 'WWW-Authenticate': match ? 'Bearer error="invalid_token"' : 'Bearer' },
        detail: match ? 'initial access token mismatch' : 'no initial access token',
      });
    }
  }
}
