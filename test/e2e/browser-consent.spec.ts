import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { pkce } from '../support/oauth-client.js';
import { ALICE, startOAuthFixture, type OAuthFixture } from '../support/oauth-fixture.js';
import { browserAvailable, launchBrowser } from '../support/browser.js';

const describeWithBrowser = browserAvailable ? describe : describe.skip;

describeWithBrowser('login and consent in a real browser (Chromium)', () => {
  let fixture: OAuthFixture;
  let browser: Browser;
  let callback: Server;
  let callbackPort: number;
  const received: URL[] = [];
  let loopbackClient: string;
  let htmlNameClient: string;

  beforeAll(async () => {
    fixture = await startOAuthFixture();
    loopbackClient = fixture.clients.add('desktop', { client_name: 'Desktop Desk', redirect_uris: ['http://127.0.0.1/callback'] });
    htmlNameClient = fixture.clients.add('html-name', { client_name: '<img src=x onerror="document.title=1"><b>Evil</b> App', redirect_uris: ['http://127.0.0.1/callback'] });
    callback = createServer((request, response) => {
      received.push(new URL(request.url!, `http://127.0.0.1:${callbackPort}`));
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('callback reached');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackPort = (callback.address() as { port: number }).port;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => callback.close(resolve));
    await fixture.stop();
  });

  function authorizationUrl(clientId: string): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: `http://127.0.0.1:${callbackPort}/callback`,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 'browser-state',
      resource: fixture.resource,
    });
    return `${fixture.as}/authorize?${query}`;
  }

  it('signs in, shows the client host and the loopback warning, approves, and lands on the redirect with a code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizationUrl(loopbackClient));
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#client-host');
    expect(await page.locator('#client-host').textContent()).toBe(new URL(loopbackClient).host);
    expect(await page.locator('#redirect-host').textContent()).toBe(`127.0.0.1:${callbackPort}`);
    expect(await page.locator('#loopback-warning').isVisible()).toBe(true);
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Allow' }).click()]);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(landed.searchParams.get('state')).toBe('browser-state');
    expect(landed.searchParams.get('iss')).toBe(fixture.issuer);
    expect(await page.textContent('body')).toBe('callback reached');
    await context.close();
  });

  it('renders a client name containing HTML as text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizationUrl(htmlNameClient));
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#client-name');
    expect(await page.locator('#client-name').textContent()).toBe('<img src=x onerror="document.title=1"><b>Evil</b> App');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('b').count()).toBe(0);
    expect(await page.title()).toBe(`Allow ${new URL(htmlNameClient).host}?`);
    await context.close();
  });
});
