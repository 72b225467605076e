import { body } from '../support/http.js';
import { authorize, pkce } from '../support/oauth-client.js';
import { ALICE, deviceKey, startOAuthFixture, type OAuthFixture } from '../support/oauth-fixture.js';
import { UserAgent, formAction, hiddenField } from '../support/user-agent.js';

describe('authorization endpoint', () => {
  let fixture: OAuthFixture;
  let clientId: string;
  const redirectUri = 'http://127.0.0.1:6001/callback';
  /** Client names used in the tables below, resolved to their client_id once the host runs. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    clientId = fixture.clients.add('public', { client_name: 'Public', redirect_uris: ['http://127.0.0.1/callback'] });
    ids.two = fixture.clients.add('two', { redirect_uris: ['https://two.example/a', 'https://two.example/b'] });
    ids.machine = fixture.clients.add('machine', {
      redirect_uris: ['https://machine.example/cb'],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [(await deviceKey()).publicJwk] },
    });
    ids.unknown = fixture.clients.host.url('/unknown/client.json');
  });

  afterAll(() => fixture.stop());

  function url(params: Record<string, string | undefined>): string {
    if (params.client_id !== undefined && ids[params.client_id]) params = { ...params, client_id: ids[params.client_id] };
    const query = new URLSearchParams();
    const defaults = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 'st',
      resource: fixture.resource,
    };
    for (const [name, value] of Object.entries({ ...defaults, ...params })) if (value !== undefined) query.set(name, value);
    return `${fixture.as}/authorize?${query}`;
  }

  async function page(target: string): Promise<{ status: number; text: string; location: string | null }> {
    const response = await fetch(target, { redirect: 'manual' });
    return { status: response.status, text: await response.text(), location: response.headers.get('location') };
  }

  describe('before the client and redirect URI are verified: an error page, never a redirect', () => {
    it.each<[string, Record<string, string | undefined>, RegExp]>([
      ['no client_id', { client_id: undefined }, /client_id is missing/],
      ['an unknown client (its document does not exist)', { client_id: 'unknown' }, /no longer exists/],
      ['a redirect_uri that is not registered', { redirect_uri: 'https://evil.example/cb' }, /does not match/],
      ['a redirect_uri with an extra path segment', { redirect_uri: 'http://127.0.0.1:6001/callback/x' }, /does not match/],
      ['a redirect_uri with an extra query', { redirect_uri: 'http://127.0.0.1:6001/callback?x=1' }, /does not match/],
      ['a loopback redirect on another host', { redirect_uri: 'http://127.0.0.2:6001/callback' }, /does not match/],
      ['no redirect_uri when several are registered', { client_id: 'two', redirect_uri: undefined }, /required/],
      ['a repeated parameter', { state: undefined }, /must not be repeated/],
    ])('%s', async (_name, params, message) => {
      const target = _name === 'a repeated parameter' ? `${url(params)}&scope=a&scope=b` : url(params);
      const result = await page(target);
      expect(result.status).toBe(400);
      expect(result.location).toBeNull();
      expect(result.text).toMatch(message);
      expect(result.text).not.toContain('evil.example/cb?');
    });
  });

  describe('after verification: the error carries state and iss, shown with a link for a client the user has not allowed', () => {
    it.each<[string, string, Record<string, string | undefined>]>([
      ['response_type=token', 'unsupported_response_type', { response_type: 'token' }],
      ['response_type=code id_token', 'unsupported_response_type', { response_type: 'code id_token' }],
      ['no code_challenge', 'invalid_request', { code_challenge: undefined }],
      ['code_challenge_method=plain', 'invalid_request', { code_challenge_method: 'plain' }],
      ['no code_challenge_method (defaults to plain)', 'invalid_request', { code_challenge_method: undefined }],
      ['a 42-character challenge', 'invalid_request', { code_challenge: 'a'.repeat(42) }],
      ['a 129-character challenge', 'invalid_request', { code_challenge: 'a'.repeat(129) }],
      ['an unknown resource', 'invalid_target', { resource: 'https://other.example/mcp' }],
      ['a relative resource', 'invalid_target', { resource: '/mcp' }],
      ['a resource with a fragment', 'invalid_target', { resource: `${'https://mcp.example/mcp'}#x` }],
      ['an unknown scope', 'invalid_scope', { scope: 'mcp:tickets:read admin' }],
      ['a request object', 'invalid_request', { request: 'eyJhbGciOiJub25lIn0.e30.' }],
      ['prompt=none without a session', 'login_required', { prompt: 'none' }],
    ])('%s -> %s', async (_name, error, params) => {
      const result = await page(url(params));
      expect(result.status).toBe(400);
      expect(result.location).toBeNull();
      const link = /href="([^"]+)"/.exec(result.text)?.[1]?.replace(/&amp;/g, '&');
      expect(link).toBeDefined();
      const returned = new URL(link!);
      expect(returned.origin + returned.pathname).toBe(redirectUri);
      expect(returned.searchParams.get('error')).toBe(error);
      expect(returned.searchParams.get('state')).toBe('st');
      expect(returned.searchParams.get('iss')).toBe(fixture.issuer);
      expect(returned.searchParams.has('code_challenge')).toBe(false);
    });

    it('refuses a client not registered for the code flow with unauthorized_client', async () => {
      const result = await page(url({ client_id: 'machine', redirect_uri: 'https://machine.example/cb' }));
      expect(result.text).toContain('error=unauthorized_client');
    });

    it('redirects errors automatically once the signed-in user has allowed the client, with iss and state', async () => {
      const flow = await authorize({ as: fixture.as, clientId, redirectUri, resource: fixture.resource, ...ALICE });
      const response = await flow.agent.get(url({ scope: 'nope' }));
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      expect(location.searchParams.get('state')).toBe('st');
      expect(location.searchParams.get('iss')).toBe(fixture.issuer);
    });
  });

  it('accepts a loopback redirect on any port (RFC 8252 section 7.3) and returns state unchanged', async () => {
    const flow = await authorize({ as: fixture.as, clientId, redirectUri: 'http://127.0.0.1:51004/callback', state: 'ü &x=1', ...ALICE });
    expect(flow.callback.host).toBe('127.0.0.1:51004');
    expect(flow.callback.searchParams.get('state')).toBe('ü &x=1');
    expect([...flow.callback.searchParams.keys()].sort()).toEqual(['code', 'iss', 'state']);
  });

  it('applies the default resource and default scope when none is asked', async () => {
    const flow = await authorize({ as: fixture.as, clientId, redirectUri, ...ALICE, resource: undefined });
    expect(flow.consentPage).toContain('Read your tickets');
    expect(flow.consentPage).not.toContain('Create and close tickets');
  });

  it('never approves a public client silently, even after consent (RFC 8252 section 8.6)', async () => {
    const first = await authorize({ as: fixture.as, clientId, redirectUri, resource: fixture.resource, ...ALICE });
    expect(first.consentPage).toBeDefined();
    const second = await authorize({ as: fixture.as, clientId, redirectUri, resource: fixture.resource, agent: first.agent, ...ALICE });
    expect(second.consentPage).toBeDefined();
  });

  it('accepts the POST form of the authorization request', async () => {
    const response = await fetch(`${fixture.as}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URL(url({})).search.slice(1),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/interaction\/[A-Za-z0-9_-]{43}$/);
  });

  it('ends the interaction when the user denies, redirecting access_denied with state and iss (303)', async () => {
    const agent = new UserAgent();
    let response = await agent.get(url({}));
    const interaction = new URL(response.headers.get('location')!, fixture.as).href;
    let html = await (await agent.get(interaction)).text();
    response = await agent.postForm(new URL(formAction(html), fixture.as).href, { csrf: hiddenField(html, 'csrf'), ...ALICE });
    html = await (await agent.get(interaction)).text();
    response = await agent.postForm(new URL(formAction(html), fixture.as).href, { csrf: hiddenField(html, 'csrf'), decision: 'deny' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st');
    expect(location.searchParams.get('iss')).toBe(fixture.issuer);
    const again = await agent.get(interaction);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('This sign-in request has ended');
  });

  it('does not render the token endpoint error shape on pages', async () => {
    const response = await fetch(url({ client_id: undefined }));
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(body(response)).rejects.toThrow();
  });
});
