import { body } from '../support/http.js';
import { authorize, pkce, tokenRequest } from '../support/oauth-client.js';
import { ALICE, startOAuthFixture, type OAuthFixture } from '../support/oauth-fixture.js';
import { UserAgent, formAction, hiddenField } from '../support/user-agent.js';

describe('login, consent and account pages', () => {
  let fixture: OAuthFixture;
  let loopbackClient: string;
  let webClient: string;
  let clientHost: string;

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    loopbackClient = fixture.clients.add('desktop', { client_name: '<img src=x onerror=alert(1)>Desk & "Co"', redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]/cb'] });
    webClient = fixture.clients.add('web', { client_name: 'Web App', redirect_uris: ['https://web.example/cb', 'http://127.0.0.1/cb'] });
    clientHost = new URL(loopbackClient).host;
  });

  afterAll(() => fixture.stop());

  async function startAuthorization(clientId: string, redirectUri: string, agent = new UserAgent()) {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 's',
    });
    const response = await agent.get(`${fixture.as}/authorize?${query}`);
    return { agent, interaction: new URL(response.headers.get('location')!, fixture.as).href };
  }

  async function signIn(agent: UserAgent, interaction: string): Promise<string> {
    const login = await (await agent.get(interaction)).text();
    await agent.postForm(new URL(formAction(login), fixture.as).href, { csrf: hiddenField(login, 'csrf'), ...ALICE });
    return (await agent.get(interaction)).text();
  }

  it('sends the security headers on every page: CSP without scripts, no framing, no referrer, no caching', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    const response = await agent.get(interaction);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('shows the client_id host prominently, the redirect host, the scopes in words, and escapes the client name', async () => {
    const { agent, interaction } = await startAuthorization(loopbackClient, 'http://127.0.0.1:40123/cb');
    const consent = await signIn(agent, interaction);
    expect(consent).toContain(`<p class="host" id="client-host">${clientHost}</p>`);
    expect(consent).toContain('&lt;img src=x onerror=alert(1)&gt;Desk &amp; &quot;Co&quot;');
    expect(consent).not.toContain('<img src=x');
    expect(consent).toContain('<strong id="redirect-host">127.0.0.1:40123</strong>');
    expect(consent).toContain('<li>Read your tickets</li>');
    expect(consent).toContain('id="loopback-warning"');
    expect(consent).toContain('as <strong>alice</strong>');
  });

  it('shows no loopback warning when the client has a non-loopback redirect URI', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    const consent = await signIn(agent, interaction);
    expect(consent).not.toContain('loopback-warning');
  });

  it('lets the consent form lead only to our own origin and the redirect URI’s origin (CSP form-action)', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    await signIn(agent, interaction);
    const response = await agent.get(interaction);
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self' https://web.example;");
  });

  it('refuses every form without the CSRF token bound to this browser (403), and changes nothing', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    const login = await (await agent.get(interaction)).text();
    const action = new URL(formAction(login), fixture.as).href;
    const noToken = await agent.postForm(action, ALICE);
    expect(noToken.status).toBe(403);
    const otherBrowser = new UserAgent();
    const forged = await otherBrowser.postForm(action, { csrf: hiddenField(login, 'csrf'), ...ALICE });
    expect(forged.status).toBe(403);
    expect(otherBrowser.cookie('acimd-session')).toBeUndefined();

    const consent = await signIn(agent, interaction);
    const consentAction = new URL(formAction(consent), fixture.as).href;
    const forgedConsent = await agent.postForm(consentAction, { csrf: hiddenField(login, 'csrf'), decision: 'approve' });
    expect(forgedConsent.status).toBe(403);
    expect(forgedConsent.headers.get('location')).toBeNull();
  });

  it('sets the session cookie HttpOnly and SameSite=Lax (Secure outside development)', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    const login = await (await agent.get(interaction)).text();
    const response = await agent.postForm(new URL(formAction(login), fixture.as).href, { csrf: hiddenField(login, 'csrf'), ...ALICE });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('acimd-session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
    expect(response.status).toBe(303);
  });

  it('answers a wrong password with the same message as an unknown user', async () => {
    const { agent, interaction } = await startAuthorization(webClient, 'https://web.example/cb');
    const login = await (await agent.get(interaction)).text();
    const action = new URL(formAction(login), fixture.as).href;
    const wrong = await agent.postForm(action, { csrf: hiddenField(login, 'csrf'), username: 'alice', password: 'nope-nope-nope' });
    const unknown = await agent.postForm(action, { csrf: hiddenField(login, 'csrf'), username: 'mallory', password: 'nope-nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.text()).toContain('Incorrect username or password.');
    expect(await unknown.text()).toContain('Incorrect username or password.');
  });

  it('withdrawing consent on the account page revokes the client’s grants', async () => {
    const flow = await authorize({ as: fixture.as, clientId: webClient, redirectUri: 'https://web.example/cb', ...ALICE });
    const tokens = await body(await tokenRequest(fixture.as, { grant_type: 'authorization_code', code: flow.code, client_id: webClient, code_verifier: flow.verifier }));
    const account = await (await flow.agent.get(`${fixture.as}/account`)).text();
    expect(account).toContain(`Withdraw access for ${clientHost}`);
    const response = await flow.agent.postForm(`${fixture.as}/account/consents/withdraw`, { csrf: hiddenField(account, 'csrf'), client_id: webClient });
    expect(response.status).toBe(303);
    const refreshed = await tokenRequest(fixture.as, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: webClient });
    expect(refreshed.status).toBe(400);
    const after = await (await flow.agent.get(`${fixture.as}/account?withdrawn=1`)).text();
    expect(after).toContain('Access withdrawn.');
    expect(after).not.toContain('Withdraw access for');
  });
});

describe('login rate limiting', () => {
  it('answers 429 with Retry-After after too many attempts on one account', async () => {
    const fixture = await startOAuthFixture({ env: { RATE_LIMITS: '{"login:account":{"limit":3,"window_seconds":600}}' } });
    try {
      const agent = new UserAgent();
      const login = await (await agent.get(`${fixture.as}/account`)).text();
      const attempt = () => agent.postForm(`${fixture.as}/account/login`, { csrf: hiddenField(login, 'csrf'), username: 'alice', password: 'wrong-password' });
      for (let i = 0; i < 3; i += 1) expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('Too many sign-in attempts');
      // even the right password is refused while limited
      const right = await agent.postForm(`${fixture.as}/account/login`, { csrf: hiddenField(login, 'csrf'), ...ALICE });
      expect(right.status).toBe(429);
    } finally {
      await fixture.stop();
    }
  });
});
