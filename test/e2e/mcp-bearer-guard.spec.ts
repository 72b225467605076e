import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { SigningKeysService } from '../../src/authorization-server/keys/signing-keys.service.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { asSigningKey, mintAccessToken, READ_SCOPE, unsignedToken, WRITE_SCOPE } from '../support/access-tokens.js';
import { body } from '../support/http.js';
import { expectInvalidToken as expectInvalid, foreignKey, INITIALIZE, postMcp } from '../support/mcp-http.js';
import { freePort } from '../support/processes.js';
import { requestRecorder } from '../support/request-recorder.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

describe('MCP bearer guard', () => {
  const clock = new FakeClock(Date.now());
  const recorder = requestRecorder();
  let system: TestSystem;
  let mcp: string;
  let metadataUrl: string;
  let trap: Server;
  let trapUrl: string;
  let trapConnections = 0;

  const post = (token: string | undefined) => postMcp(mcp, token, INITIALIZE);
  const expectInvalidToken = (response: Response) => expectInvalid(response, metadataUrl);
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
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await foreignKey(), claims: { iss: 'https://evil.example.test' } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iss: 'https://evil.example.test' } })));
      await expectInvalidToken(await post(await mintAccessToken(system, { claims: { iss: `${system.config.authorizationServer.issuer}/` } })));
    });

    it('refuses a bad signature: another key under the AS kid, and a tampered payload', async () => {
      const real = await asSigningKey(system);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: { ...(await foreignKey()), kid: real.kid } })));
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
        key: await foreignKey('device-key'),
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
      const attacker = await foreignKey();
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
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await foreignKey('unknown-kid-1') })));
      expect(jwksFetches()).toBe(before + 1);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await foreignKey('unknown-kid-2') })));
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await foreignKey('unknown-kid-3') })));
      expect(jwksFetches()).toBe(before + 1);
      clock.advanceSeconds(system.config.mcpResource.jwksRefetchIntervalSeconds);
      await expectInvalidToken(await post(await mintAccessToken(system, { key: await foreignKey('unknown-kid-4') })));
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
      const token = await mintAccessToken(system, { key: await foreignKey(), claims: { iss: `http://127.0.0.1:${port}` } });
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
