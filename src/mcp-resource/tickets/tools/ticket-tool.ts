import type { McpServer, ToolCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Clock } from '../../../common/clock/clock.js';
import type { AppLogger } from '../../../common/logging/app-logger.js';
import { missingScopes, type ScopePolicy } from '../../bearer/scope-policy.js';
import type { McpPrincipal } from '../../mcp/mcp-principal.js';
import type { TicketsRepository } from '../tickets.repository.js';

/** What a tool call may use: who is calling (from the verified token, never the token itself) and the store. */
export interface TicketToolContext {
  readonly principal: McpPrincipal;
  readonly tickets: TicketsRepository;
  readonly clock: Clock;
  readonly scopePolicy: ScopePolicy;
  readonly maxTicketsPerUser: number;
  readonly logger: AppLogger;
}

/** A tool's result: structured content, or a refusal the client (and the model) can read and act on. */
export type ToolOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export type ZodShape = Record<string, z.ZodType>;

export interface TicketTool<Input extends ZodShape, Output extends ZodShape> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Checked per call before the request reaches the MCP server (HTTP 403 step-up), and again here. */
  readonly requiredScopes: readonly string[];
  readonly annotations: ToolAnnotations;
  readonly inputSchema: Input;
  readonly outputSchema: Output;
  run(input: z.infer<z.ZodObject<Input>>, context: TicketToolContext): Promise<ToolOutcome<z.infer<z.ZodObject<Output>>>>;
}

export const refuse = (message: string): { ok: false; message: string } => ({ ok: false, message });

function toolError(message: string) {
  return { isError: true, content: [{ type: 'text' as const, text: message }] };
}

/**
 * Registers a tool on a per-request MCP server. Input is validated by the SDK against the zod schema
 * (a bad input becomes a tool error naming the field); the result carries both structuredContent and
 * its JSON text (MCP 2025-11-25, Tools: structured content).
 */
export function registerTicketTool<Input extends ZodShape, Output extends ZodShape>(
  server: McpServer,
  tool: TicketTool<Input, Output>,
  context: TicketToolContext,
): void {
  const { name, title, description, annotations, inputSchema, outputSchema } = tool;
  const handler = async (input: z.infer<z.ZodObject<Input>>): Promise<CallToolResult> => {
    // Defence in depth: the HTTP guard has already refused a token without these scopes.
    const missing = missingScopes(context.principal.scopes, tool.requiredScopes, context.scopePolicy);
    if (missing.length > 0) return toolError(`This tool needs the scope ${missing.join(' ')}.`);
    try {
      const outcome = await tool.run(input, context);
      if (!outcome.ok) return toolError(outcome.message);
      return { content: [{ type: 'text' as const, text: JSON.stringify(outcome.value) }], structuredContent: outcome.value };
    } catch (error) {
      context.logger.failure('tool failed', error, { tool: name });
      return toolError('The tool failed unexpectedly. Try again later.');
    }
  };
  // The SDK parses the arguments with inputSchema before the call, so they have its output type.
  server.registerTool(name, { title, description, annotations, inputSchema, outputSchema }, handler as unknown as ToolCallback<Input>);
}
