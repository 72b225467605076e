import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { closeTicketTool } from './close-ticket.tool.js';
import { createTicketTool } from './create-ticket.tool.js';
import { getTicketTool } from './get-ticket.tool.js';
import { listTicketsTool } from './list-tickets.tool.js';
import { registerTicketTool, type TicketToolContext } from './ticket-tool.js';

const TOOLS = [listTicketsTool, getTicketTool, createTicketTool, closeTicketTool] as const;

/** Each tool's required scopes, by name: what the per-call scope check reads. */
export const TOOL_SCOPES: ReadonlyMap<string, readonly string[]> = new Map(TOOLS.map((tool) => [tool.name, tool.requiredScopes]));

export function registerTicketTools(server: McpServer, context: TicketToolContext): void {
  registerTicketTool(server, listTicketsTool, context);
  registerTicketTool(server, getTicketTool, context);
  registerTicketTool(server, createTicketTool, context);
  registerTicketTool(server, closeTicketTool, context);
}
