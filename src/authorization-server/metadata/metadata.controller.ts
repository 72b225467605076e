import { Controller, Get, Header } from '@nestjs/common';
import { AuthorizationServerMetadata } from './authorization-server-metadata.js';

/**
 * RFC 8414 section 3 discovery. The same document is served at the OpenID location because MCP
 * clients fall back to it (MCP 2025-11-25, Authorization Server Metadata Discovery).
 */
@Controller('.well-known')
export class MetadataController {
  constructor(private readonly metadata: AuthorizationServerMetadata) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  oauthAuthorizationServer(): Record<string, unknown> {
    return this.metadata.document();
  }

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  openidConfiguration(): Record<string, unknown> {
    return this.metadata.document();
  }
}
