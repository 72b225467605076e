import { body } from '../support/http.js';
import { JWT_BEARER, authorize } from '../support/oauth-client.js';
import { ALICE, deviceKey, startOAuthFixture, type DeviceKey, type OAuthFixture } from '../support/oauth-fixture.js';

describe('revocation (RFC 7009) and introspection (RFC 7662)', () => {
  let fixture: OAuthFixture;
  let keyA: DeviceKey;
  let keyRs: DeviceKey;
  let installA: string;
  let publicClient: string;
  let resourceServer: string;

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    keyA = await deviceKey();
    keyRs = await deviceKey();
    installA = fixture.clients.add('a', { redirect_uris: ['https://apps.example/cb'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keyA.publicJwk] } });
    publicClient = fixture.clients.add('public', { redirect_uris: ['http://127.0.0.1/cb'] });
    resourceServer = fixture.clients.add('rs', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keyRs.publicJwk] }, grant_types: ['client_credentials'] } as never);
  });

  afterAll(() => fixture.stop());

  const post = (path: string, fields: Record<string, string>) =>
    fetch(`${fixture.as}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const asA = async () => ({ client_assertion_type: JWT_BEARER, client_assertion: await fixture.assertion(installA, keyA) });
  const asRs = async () => ({ client_assertion_type: JWT_BEARER, client_assertion: await fixture.assertion(resourceServer, keyRs) });

  async function tokensForA() {
    const flow = await authorize({ as: fixture.as, clientId: installA, redirectUri: 'https://apps.example/cb', ...ALICE });
    return body(await post('/token', { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.verifier, ...(await asA()) }));
  }

  it('introspects the caller’s own tokens, and answers exactly {"active":false} for unknown ones', async () => {
    const tokens = await tokensForA();
    const access = await body(await post('/introspect', { token: tokens.access_token, ...(await asA()) }));
    expect(access).toMatchObject({ active: true, token_type: 'Bearer', client_id: installA, aud: fixture.resource, iss: fixture.issuer, scope: 'mcp:tickets:read' });
    expect(access.sub).toMatch(/^usr_/);
    const refresh = await body(await post('/introspect', { token: tokens.refresh_token, ...(await asA()) }));
    expect(refresh).toMatchObject({ active: true, token_type: 'refresh_token', client_id: installA });
    expect(await body(await post('/introspect', { token: 'not-a-token', ...(await asA()) }))).toEqual({ active: false });
  });

  it('requires client authentication to introspect (no token scanning)', async () => {
    const tokens = await tokensForA();
    const anonymous = await post('/introspect', { token: tokens.access_token });
    expect(anonymous.status).toBe(401);
    expect((await body(anonymous)).error).toBe('invalid_client');
  });

  it('answers inactive to a client that neither owns the token nor serves its resource', async () => {
    const tokens = await tokensForA();
    expect(await body(await post('/introspect', { token: tokens.access_token, ...(await asRs()) }))).toEqual({ active: false });
  });

  it('revokes a refresh token and with it the grant: its access tokens turn inactive', async () => {
    const tokens = await tokensForA();
    const revoked = await post('/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token', ...(await asA()) });
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('cache-control')).toBe('no-store');
    expect(await body(await post('/introspect', { token: tokens.access_token, ...(await asA()) }))).toEqual({ active: false });
    const refreshed = await post('/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...(await asA()) });
    expect((await body(refreshed)).error).toBe('invalid_grant');
  });

  it('revokes a single access token', async () => {
    const tokens = await tokensForA();
    expect((await post('/revoke', { token: tokens.access_token, ...(await asA()) })).status).toBe(200);
    expect(await body(await post('/introspect', { token: tokens.access_token, ...(await asA()) }))).toEqual({ active: false });
    expect((await body(await post('/introspect', { token: tokens.refresh_token, ...(await asA()) }))).active).toBe(true);
  });

  it('answers 200 for an unknown token and for another client’s token, which stays active', async () => {
    expect((await post('/revoke', { token: 'unknown', ...(await asA()) })).status).toBe(200);
    const tokens = await tokensForA();
    expect((await post('/revoke', { token: tokens.refresh_token, client_id: publicClient })).status).toBe(200);
    expect((await post('/revoke', { token: tokens.access_token, client_id: publicClient })).status).toBe(200);
    expect((await body(await post('/introspect', { token: tokens.access_token, ...(await asA()) }))).active).toBe(true);
  });

  it('authenticates the revoking client like the token endpoint (a bad assertion is 401 invalid_client)', async () => {
    const tokens = await tokensForA();
    const response = await post('/revoke', { token: tokens.refresh_token, client_assertion_type: JWT_BEARER, client_assertion: await fixture.assertion(installA, keyRs) });
    expect(response.status).toBe(401);
    expect((await body(response)).error).toBe('invalid_client');
    expect((await body(await post('/introspect', { token: tokens.refresh_token, ...(await asA()) }))).active).toBe(true);
  });

  it('refuses an unsupported token_type_hint with unsupported_token_type', async () => {
    const response = await post('/revoke', { token: 'x', token_type_hint: 'id_token', ...(await asA()) });
    expect(response.status).toBe(400);
    expect((await body(response)).error).toBe('unsupported_token_type');
  });
});
