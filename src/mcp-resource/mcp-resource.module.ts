import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import { AS_CONFIG, MCP_CONFIG, SERVER_CONFIG } from '../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../config/sections/authorization-server.js';
import type { McpResourceConfig } from '../config/sections/mcp-resource.js';
import type { ServerConfig } from '../config/sections/server.js';
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
import { resourceRegistrationProblem } from './resource-registration.js';
import { TICKET_SCOPES } from './tickets/ticket-scopes.js';
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
export class McpResourceModule implements OnModuleInit {
  constructor(
    @Inject(SERVER_CONFIG) private readonly server: ServerConfig,
    @Inject(AS_CONFIG) private readonly authorizationServer: AuthorizationServerConfig,
    @Inject(MCP_CONFIG) private readonly config: McpResourceConfig,
    private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    if (!this.server.roles.includes('authorization-server')) return;
    const problem = resourceRegistrationProblem(this.config, this.authorizationServer, TICKET_SCOPES);
    if (problem) this.logger.warn('the MCP server and the authorization server disagree', { problem });
  }
}
