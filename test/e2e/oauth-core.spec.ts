import { exportJWK, generateKeyPair, calculateJwkThumbprint, decodeProtectedHeader, type CryptoKey } from 'jose';
import { OAuthModule } from '../../src/authorization-server/oauth.module.js';
import { UsersService } from '../../src/authorization-server/users/users.service.js';
import { body } from '../support/http.js';
import { JWT_BEARER, authorize, claimsOf, clientAssertion, tokenRequest } from '../support/oauth-client.js';
import { InMemoryClientResolver, testClientsModule } from '../support/test-clients.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

describe('OAuth core (registered clients)', () => {
  const clients = new InMemoryClientResolver();
  let system: TestSystem;
  let as: string;
  let resource: string;
  let deviceKey: CryptoKey;
  let kid: string;
  const publicId = 'https://public.example/client.json';
  const confidentialId = 'https://apps.example/install-1/client.json';

  beforeAll(async () => {
    system = await startTestSystem({
      roles: ['authorization-server'],
      extra: { 'authorization-server': [testClientsModule(clients), OAuthModule] },
    });
    as = system.url['authorization-server'];
    resource = system.config.authorizationServer.resources[0].resource;
    clients.add({ client_id: publicId, client_name: 'Public <b>Client</b>', redirect_uris: ['http://127.0.0.1/callback'] });
    const pair = await generateKeyPair('ES256');
    deviceKey = pair.privateKey;
    const jwk = await exportJWK(pair.publicKey);
    kid = await calculateJwkThumbprint(jwk);
    clients.add({
      client_id: confidentialId,
      client_name: 'Ticket Desk',
      redirect_uris: ['https://apps.example/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    await system.system.app('authorization-server').get(UsersService).create('alice', 'correct horse battery');
  });

  afterAll(() => system.stop());

  const assertion = (overrides: Partial<Parameters<typeof clientAssertion>[0]> = {}) =>
    clientAssertion({ clientId: confidentialId, audience: system.config.authorizationServer.issuer, key: deviceKey, kid, ...overrides });

  it('runs code + PKCE + resource for a public client and issues an RFC 9068 access token and a refresh token', async () => {
    const redirectUri = 'http://127.0.0.1:54321/callback';
    const flow = await authorize({ as, clientId: publicId, redirectUri, resource, username: 'alice', password: 'correct horse battery' });
    expect(flow.callback.origin + flow.callback.pathname).toBe(redirectUri);
    expect(flow.callback.searchParams.get('state')).toBe('state-123');
    expect(flow.callback.searchParams.get('iss')).toBe(system.config.authorizationServer.issuer);
    expect(flow.callback.searchParams.has('code_challenge')).toBe(false);

    const response = await tokenRequest(as, {
      grant_type: 'authorization_code',
      code: flow.code,
      code_verifier: flow.verifier,
      client_id: publicId,
      redirect_uri: redirectUri,
      resource,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = await body(response);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'mcp:tickets:read' });
    expect(typeof tokens.refresh_token).toBe('string');
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ iss: system.config.authorizationServer.issuer, aud: resource, client_id: publicId, scope: 'mcp:tickets:read' });
    expect(claims.sub).toMatch(/^usr_/);
    expect(typeof claims.jti).toBe('string');
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
  });

  it('authenticates a confidential client with private_key_jwt at the token endpoint and rotates refresh tokens', async () => {
    const redirectUri = 'https://apps.example/callback';
    const flow = await authorize({ as, clientId: confidentialId, redirectUri, resource, scope: 'mcp:tickets:read mcp:tickets:write', username: 'alice', password: 'correct horse battery' });
    const exchanged = await tokenRequest(as, {
      grant_type: 'authorization_code',
      code: flow.code,
      code_verifier: flow.verifier,
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(),
    });
    expect(exchanged.status).toBe(200);
    const first = await body(exchanged);
    expect(first.scope).toBe('mcp:tickets:read mcp:tickets:write');

    const refreshed = await tokenRequest(as, {
      grant_type: 'refresh_token',
      refresh_token: first.refresh_token,
      scope: 'mcp:tickets:read',
      client_assertion_type: JWT_BEARER,
      client_assertion: await assertion(),
    });
    expect(refreshed.status).toBe(200);
    const second = await body(refreshed);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(second.access_token).scope).toBe('mcp:tickets:read');
  });
});
