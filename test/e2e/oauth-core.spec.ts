import { decodeProtectedHeader } from 'jose';
import { body } from '../support/http.js';
import { JWT_BEARER, authorize, claimsOf, tokenRequest } from '../support/oauth-client.js';
import { ALICE, deviceKey, startOAuthFixture, type DeviceKey, type OAuthFixture } from '../support/oauth-fixture.js';

describe('OAuth core (registered clients)', () => {
  let fixture: OAuthFixture;
  let as: string;
  let resource: string;
  let key: DeviceKey;
  let publicId: string;
  let confidentialId: string;

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    ({ as, resource } = fixture);
    key = await deviceKey();
    publicId = fixture.clients.add('public', { client_name: 'Public Client', redirect_uris: ['http://127.0.0.1/callback'] });
    confidentialId = fixture.clients.add('install-1', {
      client_name: 'Ticket Desk',
      redirect_uris: ['https://apps.example/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    });
  });

  afterAll(() => fixture.stop());

  const assertion = () => fixture.assertion(confidentialId, key);

  it('runs code + PKCE + resource for a public client and issues an RFC 9068 access token and a refresh token', async () => {
    const redirectUri = 'http://127.0.0.1:54321/callback';
    const flow = await authorize({ as, clientId: publicId, redirectUri, resource, ...ALICE });
    expect(flow.callback.origin + flow.callback.pathname).toBe(redirectUri);
    expect(flow.callback.searchParams.get('state')).toBe('state-123');
    expect(flow.callback.searchParams.get('iss')).toBe(fixture.issuer);
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
    expect(claims).toMatchObject({ iss: fixture.issuer, aud: resource, client_id: publicId, scope: 'mcp:tickets:read' });
    expect(claims.sub).toMatch(/^usr_/);
    expect(typeof claims.jti).toBe('string');
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
  });

  it('authenticates a confidential client with private_key_jwt at the token endpoint and rotates refresh tokens', async () => {
    const redirectUri = 'https://apps.example/callback';
    const flow = await authorize({ as, clientId: confidentialId, redirectUri, resource, scope: 'mcp:tickets:read mcp:tickets:write', ...ALICE });
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

  it('lets browser-based clients call the token and registration endpoints cross-origin, but not the authorization endpoint', async () => {
    const preflight = await fetch(`${as}/token`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Content-Type');
    const registrationPreflight = await fetch(`${as}/register`, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' } });
    expect(registrationPreflight.status).toBe(204);
    expect(registrationPreflight.headers.get('access-control-allow-origin')).toBe('*');
    const token = await tokenRequest(as, { grant_type: 'authorization_code', code: 'x', client_id: publicId });
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
    const authorizeResponse = await fetch(`${as}/authorize?client_id=x`, { headers: { origin: 'http://localhost:6274' } });
    expect(authorizeResponse.headers.get('access-control-allow-origin')).toBeNull();
  });
});
