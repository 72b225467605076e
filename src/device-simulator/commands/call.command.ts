import { callTool, resultText } from '../mcp/call-tool.js';
import { refreshSession } from '../oauth/app-session.js';
import { readDeviceState, writeDeviceState } from '../state-file.js';
import { UsageError, type DeviceCommand } from './device-command.js';

export const callCommand: DeviceCommand = {
  name: 'call',
  summary: 'call an MCP tool with the saved access token (refreshed first when it expired); print the result',
  options: { tool: { type: 'string' }, args: { type: 'string' } },
  help: ['--tool <name>     the tool, e.g. list_tickets, create_ticket (required)', "--args <json>     its arguments as a JSON object (default {})"],
  async run(values, common, output) {
    const tool = values.tool as string | undefined;
    if (!tool) throw new UsageError('--tool is required (for example --tool list_tickets)');
    let args: Record<string, unknown>;
    try {
      args = JSON.parse((values.args as string | undefined) ?? '{}') as Record<string, unknown>;
    } catch {
      throw new UsageError('--args must be a JSON object');
    }
    let state = readDeviceState(common.stateFile);
    if (!state.session) throw new UsageError('no tokens yet: run `npm run device -- token` first');
    if (Date.parse(state.session.expires_at) - Date.now() < 10_000) {
      state = { ...state, session: await refreshSession(state) };
      writeDeviceState(common.stateFile, state);
      output.info('access token expired: refreshed first');
    }
    const result = await callTool(state.session!.mcp_url, state.session!.access_token, tool, args);
    if (result.isError) throw new Error(`the tool answered with an error: ${resultText(result)}`);
    output.result(resultText(result));
  },
};
