import { All, Controller, Options, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '../../common/errors/protocol-error.js';
import { BearerGuard } from '../bearer/bearer.guard.js';
import { OriginGuard } from '../bearer/origin.guard.js';
import { principalOf } from './mcp-principal.js';
import { McpRequestHandler } from './mcp-request.handler.js';
import { ToolScopeGuard } from './tool-scope.guard.js';

const ALLOW = 'POST, OPTIONS';
const REQUEST_HEADERS = 'Authorization, Content-Type, Accept, Mcp-Protocol-Version, Mcp-Session-Id, Last-Event-ID';

/**
 * The MCP endpoint (Streamable HTTP). Guards run in order: Origin (403), bearer token (401/400), the
 * called tool's scope (403 step-up). Declaration order matters: POST and OPTIONS before the catch-all.
 */
@Controller('mcp')
export class McpController {
  constructor(private readonly handler: McpRequestHandler) {}

  @Post()
  @UseGuards(OriginGuard, BearerGuard, ToolScopeGuard)
  async post(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.handler.handle(request, response, principalOf(request));
  }

  /** CORS preflight for browser-based clients from an allowed origin (no token: browsers send none here). */
  @Options()
  @UseGuards(OriginGuard)
  preflight(@Res() response: Response): void {
    response.setHeader('Allow', ALLOW);
    if (response.hasHeader('Access-Control-Allow-Origin')) {
      response.setHeader('Access-Control-Allow-Methods', ALLOW);
      response.setHeader('Access-Control-Allow-Headers', REQUEST_HEADERS);
      response.setHeader('Access-Control-Max-Age', '600');
    }
    response.status(204).end();
  }

  /**
   * MCP 2025-11-25 transports: a server that offers no SSE stream answers GET with 405, and one without
   * sessions has none to DELETE. Authenticated first, like every request to this endpoint.
   */
  @All()
  @UseGuards(OriginGuard, BearerGuard)
  notAllowed(@Req() request: Request): never {
    throw new ApiError(405, 'method_not_allowed', 'This MCP endpoint takes POST only: it offers no SSE stream and no sessions.', {
      headers: { Allow: ALLOW },
      detail: `${request.method} /mcp`,
    });
  }
}
