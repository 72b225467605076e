import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { SigningKeysService } from '../../src/authorization-server/keys/signing-keys.service.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { asSigningKey, mintAccessToken, READ_SCOPE, unsignedToken, WRITE_SCOPE, type SigningKey } from '../support/access-tokens.js';
import { body } from '../support/http.js';
import { freePort } from '../support/processes.js';
import { requestRecorder } from '../support/request-recorder.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'guard-test', version: '1.0.0' } },
};
const call = (name: string, args: Record<string, unknown> = {}, id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

async function otherKey(kid = 'attacker-key'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('ES256');
  return { kid, alg: 'ES256', key: privateKey };
}

describe('MCP bearer guard', () => {
  const clock = new FakeClock(Date.now());
  const recorder = requestRecorder();
  let system: TestSystem;
  let mcp: string;
  let metadataUrl: string;
  let trap: Server;
  let trapUrl: string;
  let trapConnections = 0;

  const post = (token: string | undefined, body: unknown = INITIALIZE, headers: Record<string, string> = {}, path = '/mcp') =>
    fetch(`${mcp}${path}`, {
      method: 'POST',
      headers: {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const challenge = (error?: string) =>
    (error ? `Bearer error="${error[0]}", error_description="${error[1]}", ` : 'Bearer ') +
    `resource_metadata="${metadataUrl}", scope="${READ_SCOPE}"`;

  async function expectInvalidToken(response: Response): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(challenge(['invalid_token', 'The access token is invalid or expired.'] as never));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await body(response)).toEqual({ error: 'invalid_token', error_description: 'The access token is invalid or expired.' });
  }

  const fromMcp = () => recorder.requests.filter((request) => request.headers['user-agent'] === 'attested-cimd-mcp-resource');
  const jwksFetches = () => fromMcp().filter((request) => request.path === '/jwks').length;

  beforeAll(async () => {
    trap = createServer((_, response) => response.end('{}'));
    trap.on('connection', () => (trapConnections += 1));
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    system = await startTestSystem({
      roles: ['authorization-server', 'mcp-resource'],
      clock,
      extra: { 'authorization-server': [recorder.module] },
    });
    mcp = system.url['mcp-resource'];
    metadataUrl = `${mcp}/.well-known/oauth-protected-resource/mcp`;
  });

  afterAll(async () => {
    await system.stop();
    trap.closeAllConnections();
    await new Promise((resolve) => trap.close(resolve));
  });

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
      expect(response.headers.get('www-authenticate')).toBe(challenge());
      expect((await body(response)).error).toBe('unauthorized');
    });

    it('treats another authentication scheme as no token (RFC 6750 section 3.1)', async () => {
      const response = await post(undefined, INITIALIZE, { authorization: 'Basic dXNlcjpwYXNz' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(challenge());
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

  describe('token validation (RFC 9068 section 4)', () => {
    it('accepts a token from the AS for this resource', async () => {
      const response = await post(await mintAccessToken(system));
      expect(response.status).toBe(200);
      expect((await body(response)).result.serverInfo.name).toBe('attested-cimd-ticket-desk');
    });

    it('fetched the AS metadata and JWKS once, without credentials, and serves later requests from the cache', async () => {
      for (let i = 0; i < 3; i += 1) expect((await post(await mintAccessToken(system))).status).toBe(200);
      expect(fromMcp().map((request) => [request.method, request.path])).toEqual([
        ['GET', '/.well-known/oauth-authorization-server'],
        ['GET', '/jwks'],
      ]);
      for (const request of fromMcp()) {
        expect(request.headers.authorization).toBeUndefined();
        expect(request.headers.cookie).toBeUndefined();
        expect(request.query).toBe('');
      }
    });

    it('refuses an expired token, with resource_metadata in the challenge', async () => {
      const now = clock.nowSeconds();
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iat: now - 600, exp: now - 31 } })));
    });

    it('tolerates the configured clock skew, no more', async () => {
      const now = clock.nowSeconds();
      expect((await post(await mintAccessToken(system, { claims: { iat: now - 600, exp: now - 29 } }))).status).toBe(200);
      expect((await post(await mintAccessToken(system, { claims: { iat: now + 29 } }))).status).toBe(200);
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iat: now + 31 } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { nbf: now + 31 } })));
    });

    it('refuses a token issued for another resource (wrong audience)', async () => {
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { aud: 'https://other-mcp.example.test/mcp' } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { aud: `${mcp}/mcp/` } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { aud: ['https://other-mcp.example.test/mcp'] } })));
      expect((await post(await mintAccessToken(system, { claims: { aud: ['https://other-mcp.example.test/mcp', `${mcp}/mcp`] } }))).status).toBe(200);
    });

    it('refuses a token from another issuer, whether signed by another key or by the AS key', async () => {
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await otherKey(), claims: { iss: 'https://evil.example.test' } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iss: 'https://evil.example.test' } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iss: `${system.config.authorizationServer.issuer}/` } })));
    });

    it('refuses a bad signature: another key under the AS kid, and a tampered payload', async () => {
      const real = await asSigningKey(system);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: { ...(await otherKey()), kid: real.kid } })));
      const [header, , signature] = (await mintAccessToken(system, { claims: { scope: READ_SCOPE } })).split('.');
      const widened = Buffer.from(
        JSON.stringify({
          iss: system.config.authorizationServer.issuer,
          sub: 'user-alice',
          aud: `${mcp}/mcp`,
          client_id: 'c',
          scope: `${READ_SCOPE} ${WRITE_SCOPE}`,
          iat: clock.nowSeconds(),
          exp: clock.nowSeconds() + 300,
          jti: 'j',
        }),
      ).toString('base64url');
      await expectInvalidToken(await post(`${header}.${widened}.${signature}`));
    });

    it.each([
      ['JWT', { typ: 'JWT' }],
      ['no typ', { typ: undefined }],
      ['a client assertion (client-authentication+jwt)', { typ: 'client-authentication+jwt' }],
    ])('refuses typ %s, even signed by the AS key', async (_, header) => {
      await expectInvalidToken(await post(await mintAccessToken(system, { header })));
    });

    it('refuses an ID token presented as a bearer token', async () => {
      const now = clock.nowSeconds();
      const idToken = await mintAccessToken(system, {
        header: { typ: 'JWT' },
        claims: { aud: 'https://apps.example.test/install-1/client.json', nonce: 'n', auth_time: now, scope: undefined, client_id: undefined, jti: undefined },
      });
      await expectInvalidToken(await post(idToken));
    });

    it('refuses a client assertion (RFC 10070) presented as a bearer token', async () => {
      const now = clock.nowSeconds();
      const clientId = 'https://apps.example.test/install-1/client.json';
      const assertion = await mintAccessToken(system, {
        key: await otherKey('device-key'),
        header: { typ: 'client-authentication+jwt' },
        claims: { iss: clientId, sub: clientId, aud: system.config.authorizationServer.issuer, exp: now + 60, scope: undefined, client_id: undefined },
      });
      await expectInvalidToken(await post(assertion));
    });

    it('accepts typ application/at+jwt (RFC 9068 section 4)', async () => {
      expect((await post(await mintAccessToken(system, { header: { typ: 'application/at+jwt' } }))).status).toBe(200);
    });

    it('refuses alg none and HS256, whatever the kid', async () => {
      const real = await asSigningKey(system);
      const claims = { iss: system.config.authorizationServer.issuer, sub: 'user-alice', aud: `${mcp}/mcp`, client_id: 'c', scope: READ_SCOPE, iat: clock.nowSeconds(), exp: clock.nowSeconds() + 300, jti: 'j' };
      await expectInvalidToken(await post(unsignedToken({ alg: 'none', typ: 'at+jwt', kid: real.kid }, claims)));
      await expectInvalidToken(await post(`${unsignedToken({ alg: 'none', typ: 'at+jwt', kid: real.kid }, claims)}c2ln`));
      // HS256 keyed with the AS public key: the classic algorithm-confusion forgery.
      const publicJwk = (await body(await fetch(`${system.url['authorization-server']}/jwks`))).keys[0];
      const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: real.kid }).sign(Buffer.from(JSON.stringify(publicJwk)));
      await expectInvalidToken(await post(hmac));
    });

    it.each(['sub', 'client_id', 'jti', 'exp', 'iat'])('refuses a token without %s', async (claim) => {
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { [claim]: undefined } })));
    });

    it('refuses an oversized token before parsing it', async () => {
      await expectInvalidToken(await post(`${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`));
    });

    it('never fetches a key a token names (jku, x5u, embedded jwk), and refuses the token', async () => {
      const attacker = await otherKey();
      const before = fromMcp().length;
      const jwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
      for (const header of [{ jku: `${trapUrl}/jwks` }, { x5u: `${trapUrl}/cert.pem` }, { jwk }]) {
        await expectInvalidToken(await post(await mintAccessToken(system, { key: attacker, header })));
      }
      const real = await asSigningKey(system);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: { ...attacker, kid: real.kid }, header: { jku: `${trapUrl}/jwks` } })));
      expect(trapConnections).toBe(0);
      // Unknown kids may make it refetch the AS JWKS, but nothing else.
      expect(fromMcp().slice(before).every((request) => request.path === '/jwks')).toBe(true);
    });

    it('refetches the AS JWKS once on an unknown kid, then refuses; not again within the interval', async () => {
      clock.advanceSeconds(system.config.mcpResource.jwksRefetchIntervalSeconds);
      const before = jwksFetches();
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await otherKey('unknown-kid-1') })));
      expect(jwksFetches()).toBe(before + 1);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await otherKey('unknown-kid-2') })));
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await otherKey('unknown-kid-3') })));
      expect(jwksFetches()).toBe(before + 1);
      clock.advanceSeconds(system.config.mcpResource.jwksRefetchIntervalSeconds);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await otherKey('unknown-kid-4') })));
      expect(jwksFetches()).toBe(before + 2);
    });

    it('accepts tokens signed by a rotated-in AS key after one refetch', async () => {
      clock.advanceSeconds(system.config.mcpResource.jwksRefetchIntervalSeconds);
      const keys = system.system.app('authorization-server').get(SigningKeysService);
      const rotation = await keys.rotate();
      const before = jwksFetches();
      const token = await mintAccessToken(system);
      expect((await asSigningKey(system)).kid).toBe(rotation.current);
      expect((await post(token)).status).toBe(200);
      expect(jwksFetches()).toBe(before + 1);
      // Tokens signed by the retired key still verify: it stays published.
      expect((await post(await mintAccessToken(system))).status).toBe(200);
    });
  });

  describe('per-tool scope (step-up)', () => {
    it('lets a read-only token list the tools and call list_tickets', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const list = await post(token, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
      expect(list.status).toBe(200);
      expect((await body(list)).result.tools.map((tool: { name: string }) => tool.name)).toEqual(['list_tickets', 'get_ticket', 'create_ticket', 'close_ticket']);
      const call1 = await post(token, call('list_tickets'));
      expect(call1.status).toBe(200);
      expect((await body(call1)).result.isError).toBeUndefined();
    });

    it('answers 403 insufficient_scope naming the scopes to ask for when a read-only token calls create_ticket', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const response = await post(token, call('create_ticket', { title: 'Printer on fire' }));
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
      const response = await post(await mintAccessToken(system, { claims: { scope: undefined } }), call('list_tickets'));
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`, scope="${READ_SCOPE}"$`));
    });

    it('checks every call of a batch', async () => {
      const token = await mintAccessToken(system, { claims: { scope: READ_SCOPE } });
      const response = await post(token, [call('list_tickets', {}, 1), call('close_ticket', { id: '0f8b3c1e-2d4a-4b5c-9d6e-7f8a9b0c1d2e' }, 2)]);
      expect(response.status).toBe(403);
    });

    it('lets the write scope imply read', async () => {
      const token = await mintAccessToken(system, { claims: { scope: WRITE_SCOPE } });
      expect((await post(token, call('list_tickets'))).status).toBe(200);
    });

    it('does not echo scopes of other resources in the challenge', async () => {
      const token = await mintAccessToken(system, { claims: { scope: `${READ_SCOPE} calendar:read` } });
      const response = await post(token, call('create_ticket', { title: 'x' }));
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
      expect(response.headers.get('www-authenticate')).toBe(challenge());
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

  it('made no outbound request other than GETs of the AS metadata and JWKS, never with the token', async () => {
    const sent = fromMcp();
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sent) {
      expect(request.method).toBe('GET');
      expect(['/.well-known/oauth-authorization-server', '/jwks']).toContain(request.path);
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toMatch(/eyJ/);
    }
    expect(trapConnections).toBe(0);
  });
});

describe('MCP bearer guard when the AS is unreachable', () => {
  it('answers 503 (not 401: the token may be fine) when no AS keys can be had', async () => {
    const port = await freePort();
    const system = await startTestSystem({ roles: ['mcp-resource'], env: { MCP_AS_ISSUER: `http://127.0.0.1:${port}`, MCP_AS_FETCH_TIMEOUT_MS: '1000' } });
    try {
      const token = await mintAccessToken(system, { key: await otherKey(), claims: { iss: `http://127.0.0.1:${port}` } });
      const response = await fetch(`${system.url['mcp-resource']}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify(INITIALIZE),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect((await body(response)).error).toBe('temporarily_unavailable');
    } finally {
      await system.stop();
    }
  });
});
