import { decodeJwt } from 'jose';
import { DEFAULT_MCP_URL, signIn } from '../oauth/app-session.js';
import { readDeviceState, writeDeviceState } from '../state-file.js';
import type { DeviceCommand } from './device-command.js';

export const tokenCommand: DeviceCommand = {
  name: 'token',
  summary: 'discover the MCP server\'s AS, sign in (headless) and get tokens with private_key_jwt; print the access token',
  options: { mcp: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, scope: { type: 'string' } },
  help: [
    `--mcp <url>         the MCP server (default $MCP_RESOURCE or ${DEFAULT_MCP_URL})`,
    '--username <name>   the user who signs in (default demo)',
    '--password <pw>     their password (default demo-password)',
    '--scope <scopes>    space-separated scopes (default: what the MCP server challenges for)',
  ],
  async run(values, common, output) {
    const state = readDeviceState(common.stateFile);
    const mcpUrl = (values.mcp as string | undefined) ?? process.env.MCP_RESOURCE ?? DEFAULT_MCP_URL;
    const session = await signIn(state, mcpUrl, {
      username: values.username as string | undefined,
      password: values.password as string | undefined,
      scope: values.scope as string | undefined,
    });
    writeDeviceState(common.stateFile, { ...state, session });
    const claims = decodeJwt(session.access_token);
    output.info(`access token for ${String(claims.aud)} (scope "${session.scope}", sub ${String(claims.sub)}) until ${session.expires_at}; refresh token saved`);
    output.result(session.access_token);
  },
};
