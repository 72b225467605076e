import { randomBytes } from 'node:crypto';
import { callTool, resultText } from '../../src/device-simulator/mcp/call-tool.js';
import { authorizeApp, exchangeCode, postToken, refresh, type AppIdentity, type Tokens } from '../../src/device-simulator/oauth/app-authorization.js';
import { loopbackRedirect } from '../../src/device-simulator/oauth/app-session.js';
import type { Discovered } from '../../src/device-simulator/oauth/discovery.js';
import { registerSimulatedDevice, type SimulatedFormat } from '../../src/device-simulator/simulated-device.js';

export const OPERATIONS = ['register', 'authorize', 'token', 'mcp', 'refresh'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Runs one step of a flow, counting it (and its failure) under its kind. A failure ends the iteration. */
export type Step = <T>(kind: Operation, run: () => Promise<T>) => Promise<T>;

export interface FlowContext {
  readonly discovered: Discovered;
  readonly mcpUrl: string;
  readonly backendUrl: string;
  /** The server's data directory, holding the development attestation CA the simulated devices chain to. */
  readonly dataDir: string;
  readonly user: { readonly username: string; readonly password: string };
}

async function useTools(context: FlowContext, step: Step, tokens: Tokens, create: boolean): Promise<void> {
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await callTool(context.mcpUrl, tokens.access_token, name, args);
    if (result.isError) throw new Error(`${name}: ${resultText(result)}`);
  };
  if (create) await step('mcp', () => call('create_ticket', { title: `Soak ticket ${randomBytes(4).toString('hex')}`, body: 'Filed by the soak run.' }));
  await step('mcp', () => call('list_tickets', { limit: 5 }));
}

/**
 * One round of a native app with an attested install: a new install (android-key or packed attestation),
 * sign-in through the AS pages, the code exchanged with private_key_jwt, MCP tool calls, a refresh (also
 * private_key_jwt) and a call with the refreshed token.
 */
export async function confidentialRound(context: FlowContext, step: Step, format: SimulatedFormat): Promise<void> {
  const device = await step('register', () => registerSimulatedDevice({ backendUrl: context.backendUrl, dataDir: context.dataDir, format }));
  const app: AppIdentity = { clientId: device.client_id, privateJwk: device.private_jwk };
  await roundAfterRegistration(context, step, app, {
    exchange: (grant) => exchangeCode(context.discovered, app, grant),
    refresh: (refreshToken) => refresh(context.discovered, app, refreshToken),
  });
}

/**
 * One round of a public CIMD client (token_endpoint_auth_method none): sign-in, code exchange with PKCE
 * only, MCP tool calls, a refresh and a call with the refreshed token.
 */
export async function publicRound(context: FlowContext, step: Step, clientId: string): Promise<void> {
  // The authorization request carries no client authentication, so a public client has no key to give.
  const app: AppIdentity = { clientId, privateJwk: {} };
  await roundAfterRegistration(context, step, app, {
    exchange: (grant) =>
      postToken(context.discovered, {
        grant_type: 'authorization_code',
        client_id: clientId,
        code: grant.code,
        code_verifier: grant.verifier,
        redirect_uri: grant.redirectUri,
        resource: context.discovered.resource,
      }),
    refresh: (refreshToken) =>
      postToken(context.discovered, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource: context.discovered.resource }),
  });
}

interface TokenCalls {
  exchange(grant: { code: string; verifier: string; redirectUri: string }): Promise<Tokens>;
  refresh(refreshToken: string): Promise<Tokens>;
}

async function roundAfterRegistration(context: FlowContext, step: Step, app: AppIdentity, calls: TokenCalls): Promise<void> {
  const scope = context.discovered.scopesSupported.join(' ') || undefined;
  const grant = await step('authorize', () => authorizeApp(context.discovered, app, { redirectUri: loopbackRedirect(), scope, ...context.user }));
  const tokens = await step('token', () => calls.exchange(grant));
  await useTools(context, step, tokens, true);
  if (!tokens.refresh_token) throw new Error('no refresh token issued');
  const refreshed = await step('refresh', () => calls.refresh(tokens.refresh_token!));
  await useTools(context, step, refreshed, false);
}

