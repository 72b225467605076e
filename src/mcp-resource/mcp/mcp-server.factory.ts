import { Inject, Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Clock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import { ProtectedResource } from '../protected-resource/protected-resource.js';
import { TicketsRepository } from '../tickets/tickets.repository.js';
import { registerTicketTools } from '../tickets/tools/ticket-tools.js';
import type { McpPrincipal } from './mcp-principal.js';

export const SERVER_INFO = { name: 'attested-cimd-ticket-desk', title: 'Ticket desk', version: '0.1.0' };

const INSTRUCTIONS =
  'A ticket desk. Your tickets are private to you. list_tickets and get_ticket read them (scope mcp:tickets:read); ' +
  'create_ticket and close_ticket change them (scope mcp:tickets:write).';

/** One MCP server per request (stateless Streamable HTTP), its tools bound to the request's principal. */
@Injectable()
export class McpServerFactory {
  private readonly logger: AppLogger;

  constructor(
    private readonly tickets: TicketsRepository,
    private readonly clock: Clock,
    private readonly resource: ProtectedResource,
    @Inject(MCP_CONFIG) private readonly config: McpResourceConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child('McpTools');
  }

  create(principal: McpPrincipal): McpServer {
    const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS, capabilities: { tools: { listChanged: false } } });
    registerTicketTools(server, {
      principal,
      tickets: this.tickets,
      clock: this.clock,
      scopePolicy: this.resource.scopePolicy,
      maxTicketsPerUser: this.config.maxTicketsPerUser,
      logger: this.logger,
    });
    return server;
  }
}
