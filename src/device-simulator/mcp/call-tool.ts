import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export class McpCallError extends Error {
  override readonly name = 'McpCallError';

  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Calls one MCP tool with the official SDK client, sending the access token in the Authorization header only. */
export async function callTool(mcpUrl: string, accessToken: string, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const client = new Client({ name: 'attested-cimd-device-simulator', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { Authorization: `Bearer ${accessToken}` } } });
  try {
    await client.connect(transport);
    return (await client.callTool({ name, arguments: args })) as CallToolResult;
  } catch (error) {
    if (error instanceof StreamableHTTPError) {
      const detail = /"error_description":"([^"]*)"/.exec(error.message)?.[1] ?? error.message;
      throw new McpCallError(error.code, `the MCP server answered ${error.code ?? 'an error'}: ${detail}`);
    }
    throw error;
  } finally {
    await client.close();
  }
}

/** The text of a tool result, for people. */
export function resultText(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join(' ');
}
