import { decodeJwt } from 'jose';
import { callTool, resultText } from '../device-simulator/mcp/call-tool.js';
import { authorizeApp, exchangeCode, refresh, TokenError, type AppIdentity } from '../device-simulator/oauth/app-authorization.js';
import { loopbackRedirect } from '../device-simulator/oauth/app-session.js';
import { discover } from '../device-simulator/oauth/discovery.js';
import { AuthorizationRefused } from '../device-simulator/oauth/headless-browser.js';
import { registerSimulatedDevice, type DeviceState } from '../device-simulator/simulated-device.js';

export interface DemoOptions {
  readonly mcpUrl: string;
  readonly backendUrl: string;
  /** The backend's data directory (its development attestation CA). */
  readonly dataDir: string;
  readonly backendAdminToken: string;
  readonly username: string;
  readonly password: string;
  /** How long to wait for the AS to notice the deleted document (its cache bound). */
  readonly revocationTimeoutMs: number;
}

export class DemoFailure extends Error {
  override readonly name = 'DemoFailure';
}

type Say = (step: string, line: string) => void;

const identity = (state: DeviceState): AppIdentity => ({ clientId: state.client_id, privateJwk: state.private_jwk });
const short = (text: string, length = 12) => (text.length > length ? `${text.slice(0, length)}…` : text);

/**
 * The whole story, played by the device simulator: an attested install gets its own client_id, signs in
 * with private_key_jwt, calls an MCP tool; then the operator deletes the install and the AS refuses it,
 * while a sibling install keeps working. Each step says what happened in one line.
 */
export async function runDemo(options: DemoOptions, say: Say): Promise<void> {
  const phone = await registerSimulatedDevice({ backendUrl: options.backendUrl, dataDir: options.dataDir, format: 'android-key' });
  say('register', `install ${short(phone.install_id)} registered with an android-key attestation (assurance ${phone.assurance}); client_id ${phone.client_id}`);
  const sibling = await registerSimulatedDevice({ backendUrl: options.backendUrl, dataDir: options.dataDir, format: 'packed' });
  say('register', `a sibling install ${short(sibling.install_id)} of the same app registered with a packed attestation (assurance ${sibling.assurance})`);

  const document = (await (await fetch(phone.client_id)).json()) as { token_endpoint_auth_method: string; jwks: { keys: Array<{ kid: string; alg: string }> } };
  say('document', `client.json: token_endpoint_auth_method ${document.token_endpoint_auth_method}, ${document.jwks.keys.length} ${document.jwks.keys[0].alg} key (kid ${short(document.jwks.keys[0].kid)}), the device's own`);

  const discovered = await discover(options.mcpUrl);
  say('discover', `${options.mcpUrl} answered 401 -> protected resource metadata -> authorization server ${discovered.issuer}`);

  const user = { username: options.username, password: options.password, scope: discovered.scopesSupported.join(' ') || undefined };
  const grant = await authorizeApp(discovered, identity(phone), { redirectUri: loopbackRedirect(), ...user });
  say('authorize', `signed in as ${options.username} without a browser, consented; code received at ${new URL(grant.redirectUri).host} with PKCE S256, state and iss checked`);

  const tokens = await exchangeCode(discovered, identity(phone), grant);
  const claims = decodeJwt(tokens.access_token);
  say('token', `private_key_jwt accepted: access token for ${String(claims.aud)} with scope "${tokens.scope}", expires in ${tokens.expires_in} s, refresh token issued`);

  const created = await callTool(options.mcpUrl, tokens.access_token, 'create_ticket', { title: 'Demo: the printer is on fire', body: 'Filed by the demo.' });
  if (created.isError) throw new DemoFailure(`create_ticket failed: ${resultText(created)}`);
  const listed = await callTool(options.mcpUrl, tokens.access_token, 'list_tickets', {});
  const count = (listed.structuredContent as { tickets?: unknown[] } | undefined)?.tickets?.length ?? 0;
  say('mcp', `create_ticket and list_tickets on the MCP server: ${count} ticket(s) for ${String(claims.sub)}`);

  const siblingGrant = await authorizeApp(discovered, identity(sibling), { redirectUri: loopbackRedirect(), ...user });
  let siblingRefresh = (await exchangeCode(discovered, identity(sibling), siblingGrant)).refresh_token!;

  const deleted = await fetch(`${options.backendUrl}/admin/installs/${phone.install_id}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${options.backendAdminToken}` },
  });
  if (!deleted.ok) throw new DemoFailure(`the operator API refused the deletion (${deleted.status})`);
  const gone = await fetch(phone.client_id);
  say('revoke', `the operator deleted install ${short(phone.install_id)} at the client backend; its document now answers ${gone.status}`);

  const started = Date.now();
  let refreshToken = tokens.refresh_token!;
  for (;;) {
    try {
      refreshToken = (await refresh(discovered, identity(phone), refreshToken)).refresh_token!;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      say('refresh', `refused after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error.error} (the AS revalidated the document, found it gone, and revoked the grant)`);
      break;
    }
    if (Date.now() - started > options.revocationTimeoutMs) throw new DemoFailure(`the refresh still worked ${options.revocationTimeoutMs / 1000} s after the deletion`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }

  try {
    await authorizeApp(discovered, identity(phone), { redirectUri: loopbackRedirect(), ...user });
    throw new DemoFailure('a new authorization for the deleted install succeeded');
  } catch (error) {
    if (!(error instanceof AuthorizationRefused)) throw error;
    say('authorize', `refused for the deleted install (${error.status}): "${error.message}"`);
  }

  siblingRefresh = (await refresh(discovered, identity(sibling), siblingRefresh)).refresh_token!;
  say('sibling', `the sibling install ${short(sibling.install_id)} still refreshes its tokens: revocation hit exactly one install`);
}
