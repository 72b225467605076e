import { Injectable } from '@nestjs/common';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';
import type { McpPrincipal } from './mcp-principal.js';
import { McpServerFactory } from './mcp-server.factory.js';

/**
 * Serves one MCP POST with the SDK's Streamable HTTP transport in stateless mode: a fresh server and
 * transport per request, no session id, plain JSON responses (no tool streams progress). Stateless
 * because every request is authenticated on its own anyway, any replica can answer any request, and
 * no session state can be hijacked (MCP security best practices, Session Hijacking).
 */
@Injectable()
export class McpRequestHandler {
  constructor(private readonly servers: McpServerFactory) {}

  async handle(request: Request, response: Response, principal: McpPrincipal): Promise<void> {
    const server = this.servers.create(principal);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    response.setHeader('Cache-Control', 'no-store');
    await server.connect(transport);
    // The body was parsed (within BODY_LIMIT) by the application's JSON parser.
    await transport.handleRequest(request, response, request.body);
  }
}
