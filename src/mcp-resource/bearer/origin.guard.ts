import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../../common/errors/protocol-error.js';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import { isAllowedOrigin, type OriginPolicy } from './origin-policy.js';

/** Response headers a browser client must be able to read: the challenge and the MCP headers. */
const EXPOSED = 'WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version';

/**
 * Refuses a request whose Origin is not allowed (403) before anything else runs; admits a request with
 * no Origin (not from a browser); and lets an allowed browser origin read the response (CORS).
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly policy: OriginPolicy;

  constructor(@Inject(MCP_CONFIG) config: McpResourceConfig) {
    this.policy = { allowed: config.allowedOrigins, allowLoopback: config.allowLoopbackOrigins };
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('Vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    if (!isAllowedOrigin(origin, this.policy)) {
      throw new ApiError(403, 'forbidden', 'Requests from this Origin are not allowed.', { detail: `origin ${origin} refused` });
    }
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Expose-Headers', EXPOSED);
    return true;
  }
}
