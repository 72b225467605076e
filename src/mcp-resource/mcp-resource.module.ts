import { Module } from '@nestjs/common';
import { AccessTokenVerifier } from './bearer/access-token.verifier.js';
import { AuthorizationServerHttp, FetchAuthorizationServerHttp } from './bearer/authorization-server-http.js';
import { AuthorizationServerKeys } from './bearer/authorization-server-keys.js';
import { BearerGuard } from './bearer/bearer.guard.js';
import { OriginGuard } from './bearer/origin.guard.js';
import { McpController } from './mcp/mcp.controller.js';
import { McpRequestHandler } from './mcp/mcp-request.handler.js';
import { McpServerFactory } from './mcp/mcp-server.factory.js';
import { ToolScopeGuard } from './mcp/tool-scope.guard.js';
import { ProtectedResource } from './protected-resource/protected-resource.js';
import { ProtectedResourceMetadataController } from './protected-resource/protected-resource-metadata.controller.js';
import { TicketsRepository } from './tickets/tickets.repository.js';

/** The demo MCP server role (a ticket desk), protected by the authorization server. */
@Module({
  controllers: [ProtectedResourceMetadataController, McpController],
  providers: [
    ProtectedResource,
    { provide: AuthorizationServerHttp, useClass: FetchAuthorizationServerHttp },
    AuthorizationServerKeys,
    AccessTokenVerifier,
    OriginGuard,
    BearerGuard,
    ToolScopeGuard,
    TicketsRepository,
    McpServerFactory,
    McpRequestHandler,
  ],
  exports: [McpRequestHandler, ProtectedResource],
})
export class McpResourceModule {}
