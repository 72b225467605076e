import * as oauth from 'oauth4webapi';
import { ALICE, deviceKey, startOAuthFixture, type DeviceKey, type OAuthFixture } from '../support/oauth-fixture.js';
import { completeAuthorization } from '../support/oauth-client.js';
import { UserAgent } from '../support/user-agent.js';

/**
 * The whole flow driven by a strict third-party client library (oauth4webapi validates the metadata
 * issuer, the RFC 9207 iss parameter, state, token responses, and signs private_key_jwt assertions).
 */
describe('full flow with oauth4webapi', () => {
  let fixture: OAuthFixture;
  let key: DeviceKey;
  let confidentialId: string;
  let publicId: string;
  const insecure = { [oauth.allowInsecureRequests]: true };

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    key = await deviceKey();
    confidentialId = fixture.clients.add('install-x', {
      redirect_uris: ['https://apps.example/callback'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    });
    publicId = fixture.clients.add('public', { redirect_uris: ['http://127.0.0.1/callback'] });
  });

  afterAll(() => fixture.stop());

  async function discover(): Promise<oauth.AuthorizationServer> {
    const issuer = new URL(fixture.issuer);
    // The issuer is the loopback test address; fetch from it directly.
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }));
  }

  async function runAuthorization(as: oauth.AuthorizationServer, client: oauth.Client, redirectUri: string) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'mcp:tickets:read mcp:tickets:write',
      resource: fixture.resource,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const { callback } = await completeAuthorization(new UserAgent(), url.href, ALICE);
    return { params: oauth.validateAuthResponse(as, client, callback, state), verifier };
  }

  it('discovery, code + PKCE + resource, private_key_jwt exchange, refresh rotation, introspection, revocation', async () => {
    const as = await discover();
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    const client: oauth.Client = { client_id: confidentialId, token_endpoint_auth_method: 'private_key_jwt' };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });

    const redirectUri = 'https://apps.example/callback';
    const { params, verifier } = await runAuthorization(as, client, redirectUri);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, { ...insecure, additionalParameters: { resource: fixture.resource } }),
    );
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('mcp:tickets:read mcp:tickets:write');
    expect(tokens.refresh_token).toBeDefined();

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, { ...insecure, additionalParameters: { resource: fixture.resource } }),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const introspected = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure));
    expect(introspected).toMatchObject({ active: true, client_id: confidentialId, aud: fixture.resource });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, insecure));
    const after = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, refreshed.access_token, insecure));
    expect(after.active).toBe(false);
  });

  it('the same flow for a public client (token_endpoint_auth_method none)', async () => {
    const as = await discover();
    const client: oauth.Client = { client_id: publicId, token_endpoint_auth_method: 'none' };
    const redirectUri = 'http://127.0.0.1:43117/callback';
    const { params, verifier } = await runAuthorization(as, client, redirectUri);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure),
    );
    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure));
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token!, insecure));
  });
});
