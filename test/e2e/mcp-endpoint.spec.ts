import { request as httpRequest } from 'node:http';
import { mintAccessToken, READ_SCOPE, WRITE_SCOPE } from '../support/access-tokens.js';
import { body } from '../support/http.js';
import { expectedChallenge, INITIALIZE, postMcp, toolCall } from '../support/mcp-http.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

describe('MCP endpoint', () => {
  let system: TestSystem;
  let mcp: string;
  let metadataUrl: string;
  const post = (token: string | undefined, payload: unknown = INITIALIZE, headers: Record<string, string> = {}, path = '/mcp') =>
    postMcp(mcp, token, payload, headers, path);

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['authorization-server', 'mcp-resource'] });
    mcp = system.url['mcp-resource'];
    metadataUrl = `${mcp}/.well-known/oauth-protected-resource/mcp`;
  });

  afterAll(() => system.stop());

  describe('protected resource metadata (RFC 9728)', () => {
    it.each(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource'])(
      'serves the document at %s with the exact resource and the AS issuer',
      async (path) => {
        const response = await fetch(`${mcp}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(await body(response)).toEqual({
          resource: `${mcp}/mcp`,
          authorization_servers: [system.config.authorizationServer.issuer],
          scopes_supported: [READ_SCOPE, WRITE_SCOPE],
          bearer_methods_supported: ['header'],
          resource_name: 'Ticket desk (demo MCP server)',
        });
      },
    );

    it('serves no metadata for a path that is not this resource', async () => {
      expect((await fetch(`${mcp}/.well-known/oauth-protected-resource/other`)).status).toBe(404);
      expect((await fetch(`${mcp}/.well-known/oauth-protected-resource/mcp/x`)).status).toBe(404);
    });
  });

  describe('requests without a usable token', () => {
    it('answers 401 with resource_metadata and the baseline scope when no token is sent', async () => {
      const response = await post(undefined);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(expectedChallenge(metadataUrl));
      expect((await body(response)).error).toBe('unauthorized');
    });

    it('treats another authentication scheme as no token (RFC 6750 section 3.1)', async () => {
      const response = await post(undefined, INITIALIZE, { authorization: 'Basic dXNlcjpwYXNz' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(expectedChallenge(metadataUrl));
    });

    it('refuses a token in the query string with 400 invalid_request, even next to a valid header', async () => {
      const token = await mintAccessToken(system);
      for (const response of [await post(undefined, INITIALIZE, {}, `/mcp?access_token=${token}`), await post(token, INITIALIZE, {}, `/mcp?access_token=${token}`)]) {
        expect(response.status).toBe(400);
        expect(response.headers.get('www-authenticate')).toBe(
          `Bearer error="invalid_request", error_description="Access tokens are accepted only in the Authorization header, never in the URL.", ` +
            `resource_metadata="${metadataUrl}", scope="${READ_SCOPE}"`,
        );
        expect((await body(response)).error).toBe('invalid_request');
      }
    });

    it('refuses a token in a form body with 400 invalid_request', async () => {
      const token = await mintAccessToken(system);
      const response = await post(undefined, `access_token=${token}`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(400);
      expect((await body(response)).error).toBe('invalid_request');
    });

    it('refuses two Authorization headers with 400 invalid_request', async () => {
      const token = await mintAccessToken(system);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(`${mcp}/mcp`);
        const headers = [
          ['Host', url.host],
          ['Authorization', `Bearer ${token}`],
          ['Authorization', `Bearer ${token}`],
          ['Content-Type', 'application/json'],
          ['Accept', 'application/json, text/event-stream'],
          ['Content-Length', String(Buffer.byteLength(JSON.stringify(INITIALIZE)))],
        ].flat();
        const request = httpRequest({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers }, (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        request.end(JSON.stringify(INITIALIZE));
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: 'invalid_request', error_description: 'Send exactly one Authorization header.' });
    });

    it('refuses a malformed Bearer header with 400 invalid_request', async () => {
      const response = await post(undefined, INITIALIZE, { authorization: 'Bearer not a token' });
      expect(response.status).toBe(400);
    });
  });

  describe('per-tool scope (step-up)', () => {
    it('lets a read-only token list the tools and call list_tickets', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const list = await post(token, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
      expect(list.status).toBe(200);
      expect((await body(list)).result.tools.map((tool: { name: string }) => tool.name)).toEqual(['list_tickets', 'get_ticket', 'create_ticket', 'close_ticket']);
      const call1 = await post(token, toolCall('list_tickets'));
      expect(call1.status).toBe(200);
      expect((await body(call1)).result.isError).toBeUndefined();
    });

    it('answers 403 insufficient_scope naming the scopes to ask for when a read-only token calls create_ticket', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const response = await post(token, toolCall('create_ticket', { title: 'Printer on fire' }));
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_scope", error_description="The access token lacks the scope this operation needs: ${WRITE_SCOPE}.", ` +
          `resource_metadata="${metadataUrl}", scope="${READ_SCOPE} ${WRITE_SCOPE}"`,
      );
      expect(await body(response)).toEqual({ error: 'insufficient_scope', error_description: `The access token lacks the scope this operation needs: ${WRITE_SCOPE}.` });
      const [stored] = await system.database.dataSource.query('SELECT count(*)::int AS n FROM mcp_tickets');
      expect(stored.n).toBe(0);
    });

    it('challenges a token with no scope for list_tickets with only the read scope', async () => {
      const response = await post(await mintAccessToken(system, { claims: { scope: undefined } }), toolCall('list_tickets'));
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`, scope="${READ_SCOPE}"$`));
    });

    it('checks every call of a batch', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const response = await post(token, [toolCall('list_tickets', {}, 1), toolCall('close_ticket', { id: '0f8b3c1e-2d4a-4b5c-9d6e-7f8a9b0c1d2e' }, 2)]);
      expect(response.status).toBe(403);
    });

    it('lets the write scope imply read', async () => {
      const token = await mintAccessToken(system, { claims: { scope: WRITE_SCOPE } });
      expect((await post(token, toolCall('list_tickets'))).status).toBe(200);
    });

    it('does not echo scopes of other resources in the challenge', async () => {
      const token = await mintAccessToken(system, { claims: { scope: `${READ_SCOPE} calendar:read` } });
      const response = await post(token, toolCall('create_ticket', { title: 'x' }));
      expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`, scope="${READ_SCOPE} ${WRITE_SCOPE}"$`));
    });
  });

  describe('transport rules', () => {
    it('answers GET and DELETE /mcp with 405 and Allow (no SSE stream, no sessions)', async () => {
      const token = await mintAccessToken(system);
      for (const method of ['GET', 'DELETE']) {
        const response = await fetch(`${mcp}/mcp`, { method, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('POST, OPTIONS');
        expect((await body(response)).error).toBe('method_not_allowed');
      }
    });

    it('asks for a token before telling anything about methods', async () => {
      const response = await fetch(`${mcp}/mcp`, { headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(expectedChallenge(metadataUrl));
    });

    it('refuses a request from an Origin that is not allowed with 403, before looking at the token', async () => {
      const token = await mintAccessToken(system);
      for (const origin of ['https://evil.example.test', 'null', 'http://192.0.2.1:3200']) {
        const response = await post(token, INITIALIZE, { origin });
        expect(response.status).toBe(403);
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect((await body(response)).error).toBe('forbidden');
      }
      expect((await post(undefined, INITIALIZE, { origin: 'https://evil.example.test' })).status).toBe(403);
    });

    it('lets an allowed browser origin call and read the challenge (CORS), loopback origins included in development', async () => {
      const token = await mintAccessToken(system);
      for (const origin of [new URL(mcp).origin, 'http://localhost:6274']) {
        const response = await post(token, INITIALIZE, { origin });
        expect(response.status).toBe(200);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        const refused = await post(undefined, INITIALIZE, { origin });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
        expect(refused.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
      }
      const preflight = await fetch(`${mcp}/mcp`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      const refusedPreflight = await fetch(`${mcp}/mcp`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.test' } });
      expect(refusedPreflight.status).toBe(403);
    });
  });
});
