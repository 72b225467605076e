import { Controller, Get, Header, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../../common/errors/protocol-error.js';
import { ProtectedResource } from './protected-resource.js';

/**
 * RFC 9728 section 3: the metadata at the path-inserted well-known URL of the resource, and at the root
 * form, which MCP clients try next (MCP 2025-11-25, Protected Resource Metadata Discovery Requirements).
 */
@Controller('.well-known')
export class ProtectedResourceMetadataController {
  constructor(private readonly resource: ProtectedResource) {}

  @Get('oauth-protected-resource')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  root(): Readonly<Record<string, unknown>> {
    return this.resource.document;
  }

  @Get('oauth-protected-resource/*path')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  pathInserted(@Req() request: Request): Readonly<Record<string, unknown>> {
    // Only the path of this resource: metadata for any other path would claim a resource that is not here.
    if (request.path !== this.resource.metadataPath) {
      throw new ApiError(404, 'not_found', 'There is nothing at this address.', { detail: `no protected resource at ${request.path}` });
    }
    return this.resource.document;
  }
}
