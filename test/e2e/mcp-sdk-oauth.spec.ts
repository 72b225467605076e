import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { signClientAssertion } from '../../src/device-simulator/client-assertion.js';
import { registerSimulatedDevice } from '../../src/device-simulator/simulated-device.js';
import { DocumentHost } from '../support/document-host.js';
import { completeAuthorization } from '../support/oauth-client.js';
import { UserAgent } from '../support/user-agent.js';
import { connectWithOAuth, TestOAuthProvider } from '../support/mcp-oauth.js';
import { createTestCa } from '../support/test-ca.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

const DEMO = { username: 'demo', password: 'demo-password' };

/**
 * The whole flow with a client we did not write: the official MCP TypeScript SDK discovers the
 * protected resource metadata from the 401, then our AS, registers (CIMD or DCR), runs code + PKCE +
 * resource, and calls our MCP server's tools with the token.
 */
describe('official MCP SDK client against our AS and MCP server', () => {
  let system: TestSystem;
  let documents: DocumentHost;
  let mcpUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    // The SDK only uses https client_id URLs, so the client's document host speaks TLS with a test CA.
    const ca = await createTestCa();
    documents = await DocumentHost.start({ tls: await ca.issue(['localhost'], ['127.0.0.1']) });
    const dir = mkdtempSync(join(tmpdir(), 'acimd-mcp-sdk-'));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    system = await startTestSystem({ env: { FETCH_CA_FILE: join(dir, 'ca.pem'), DATA_DIR: dir } });
    dataDir = dir;
    mcpUrl = system.config.mcpResource.resource;
  });

  afterAll(async () => {
    await system.stop();
    await documents.stop();
  });

  function claims(token: string | undefined) {
    if (!token) throw new Error('no access token');
    return decodeJwt(token);
  }

  it('as a public CIMD client whose document is served by its own host', async () => {
    const clientId = documents.url('/vscode-like/client.json');
    documents.json(
      '/vscode-like/client.json',
      {
        client_id: clientId,
        client_name: 'Editor (public CIMD client)',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      },
      { headers: { 'Cache-Control': 'max-age=300' } },
    );
    const provider = new TestOAuthProvider({
      redirectUrl: 'http://127.0.0.1:33418/callback',
      clientMetadataUrl: clientId,
      clientMetadata: { client_name: 'unused with CIMD', redirect_uris: ['http://127.0.0.1:33418/callback'] },
    });
    const { client, callback, consentPage } = await connectWithOAuth(mcpUrl, provider, DEMO);
    try {
      expect(callback.searchParams.get('iss')).toBe(system.config.authorizationServer.issuer);
      expect(consentPage).toContain(new URL(clientId).host);
      expect(claims(provider.tokens()?.access_token)).toMatchObject({ client_id: clientId, aud: mcpUrl, scope: 'mcp:tickets:read' });
      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['close_ticket', 'create_ticket', 'get_ticket', 'list_tickets']);
      const listed = await client.callTool({ name: 'list_tickets', arguments: {} });
      expect(listed.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('as a private_key_jwt client whose document is an attested install from our client backend', async () => {
    const install = await registerSimulatedDevice({ backendUrl: system.url['client-backend'], dataDir, format: 'android-key' });
    const provider = new TestOAuthProvider({
      redirectUrl: 'http://127.0.0.1:47001/callback',
      // The app got its client_id from the backend at registration, so it is already "registered".
      clientInformation: { client_id: install.client_id },
      clientMetadata: { client_name: 'Ticket desk (native)', redirect_uris: ['http://127.0.0.1:47001/callback'], token_endpoint_auth_method: 'private_key_jwt' },
      // Every token request carries a fresh assertion signed by the device key (RFC 7523 / RFC 10070: aud = issuer).
      addClientAuthentication: async (_headers, params, _url, metadata) => {
        params.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        params.set('client_assertion', await signClientAssertion({ privateJwk: install.private_jwk, clientId: install.client_id, audience: metadata!.issuer }));
      },
    });
    const { client, consentPage } = await connectWithOAuth(mcpUrl, provider, DEMO);
    try {
      expect(consentPage).toContain(new URL(install.client_id).host);
      expect(consentPage).toContain('loopback-warning');
      expect(claims(provider.tokens()?.access_token)).toMatchObject({ client_id: install.client_id, aud: mcpUrl });
      const tools = await client.listTools();
      expect(tools.tools.length).toBe(4);
      expect((await client.callTool({ name: 'list_tickets', arguments: {} })).isError).toBeFalsy();
    } finally {
      await client.close();
    }
    // Without the device key the same client_id gets nowhere: a refresh with no assertion is invalid_client.
    const refreshed = await fetch(`${system.url['authorization-server']}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: provider.tokens()!.refresh_token!, client_id: install.client_id }).toString(),
    });
    expect(refreshed.status).toBe(401);
  });

  it('via Dynamic Client Registration, then stepping up from read to write scope on a 403 insufficient_scope', async () => {
    const provider = new TestOAuthProvider({
      redirectUrl: 'http://127.0.0.1:45001/callback',
      clientMetadata: {
        client_name: 'Legacy MCP client (DCR)',
        redirect_uris: ['http://127.0.0.1:45001/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'mcp:tickets:read mcp:tickets:write',
      },
    });
    const { client } = await connectWithOAuth(mcpUrl, provider, DEMO);
    try {
      const registered = provider.clientInformation();
      expect(registered?.client_id).toMatch(/^dcr_/);
      // MCP scope selection: the 401 challenge's scope wins over the client's own wish.
      expect(claims(provider.tokens()?.access_token).scope).toBe('mcp:tickets:read');
      expect((await client.callTool({ name: 'list_tickets', arguments: {} })).isError).toBeFalsy();

      // Writing needs more: the MCP server answers 403 insufficient_scope naming the scope. The SDK first
      // tries a refresh, which can't widen the scope (OAuth 2.1 section 4.3.1), so the 403 stands.
      await expect(client.callTool({ name: 'create_ticket', arguments: { title: 'Printer on fire', body: 'Third floor.' } })).rejects.toThrow(/403/);
    } finally {
      await client.close();
    }
    // The app steps up: a new authorization for the wider scope, through the SDK's auth() and the real pages.
    provider.invalidateCredentials('tokens');
    provider.authorizationUrl = undefined;
    expect(await auth(provider, { serverUrl: mcpUrl, scope: 'mcp:tickets:read mcp:tickets:write' })).toBe('REDIRECT');
    expect(provider.authorizationUrl!.searchParams.get('scope')).toBe('mcp:tickets:read mcp:tickets:write');
    const { callback } = await completeAuthorization(new UserAgent(), provider.authorizationUrl!.href, DEMO);
    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: callback.searchParams.get('code')! })).toBe('AUTHORIZED');
    expect(claims(provider.tokens()?.access_token).scope).toBe('mcp:tickets:read mcp:tickets:write');
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
    const writer = new Client({ name: 'attested-cimd-e2e', version: '1.0.0' });
    await writer.connect(transport);
    try {
      const created = await writer.callTool({ name: 'create_ticket', arguments: { title: 'Printer on fire', body: 'Third floor.' } });
      expect(created.isError).toBeFalsy();
      const listed = await writer.callTool({ name: 'list_tickets', arguments: {} });
      expect(JSON.stringify(listed.structuredContent)).toContain('Printer on fire');
    } finally {
      await writer.close();
    }
  });
});
