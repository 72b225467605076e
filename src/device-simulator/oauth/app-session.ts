import type { DeviceSession, DeviceState } from '../simulated-device.js';
import { authorizeApp, exchangeCode, refresh, type AppIdentity, type Tokens } from './app-authorization.js';
import { discover, type Discovered } from './discovery.js';

export const DEFAULT_MCP_URL = 'http://localhost:3200/mcp';

function identity(state: DeviceState): AppIdentity {
  return { clientId: state.client_id, privateJwk: state.private_jwk };
}

function session(discovered: Discovered, tokens: Tokens, previous?: DeviceSession): DeviceSession {
  return {
    mcp_url: discovered.resource,
    issuer: discovered.issuer,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? previous?.refresh_token,
    scope: tokens.scope,
    expires_at: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
  };
}

/** A loopback redirect URI on a port of the app's choosing (RFC 8252 section 7.3). */
export function loopbackRedirect(): string {
  return `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/callback`;
}

/** Discovery, authorization as the given user, and the code exchange with private_key_jwt. */
export async function signIn(
  state: DeviceState,
  mcpUrl: string,
  user: { username?: string; password?: string; scope?: string },
): Promise<DeviceSession> {
  const discovered = await discover(mcpUrl);
  const grant = await authorizeApp(discovered, identity(state), { redirectUri: loopbackRedirect(), ...user });
  return session(discovered, await exchangeCode(discovered, identity(state), grant));
}

/** A refresh with private_key_jwt; the rotated refresh token replaces the old one. */
export async function refreshSession(state: DeviceState): Promise<DeviceSession> {
  if (!state.session?.refresh_token) throw new Error('no refresh token: run `npm run device -- token` first');
  const discovered = await discover(state.session.mcp_url);
  return session(discovered, await refresh(discovered, identity(state), state.session.refresh_token), state.session);
}
