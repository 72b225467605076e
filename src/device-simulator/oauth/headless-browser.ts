/**
 * A minimal browser for the AS's sign-in and consent pages, for the simulated app and the tests: it
 * keeps cookies, never follows redirects by itself, and fills the forms the pages serve.
 */
export class HeadlessBrowser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  postForm(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** The value of a hidden form field in a page. */
export function hiddenField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no hidden field ${name} in the page`);
  return match[1];
}

/** The first form's action in a page. */
export function formAction(page: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(page);
  if (!match) throw new Error('no form in the page');
  return match[1];
}

/** The alert text of an error page, for messages. */
export function pageAlert(page: string): string | undefined {
  return /<p role="alert">([^<]*)<\/p>/.exec(page)?.[1];
}

export class AuthorizationRefused extends Error {
  override readonly name = 'AuthorizationRefused';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Plays the user at the AS: follows the authorization request through the real pages, signing in when
 * asked and allowing on the consent page, until the AS redirects back to the client. An error page
 * (for example a client the AS no longer accepts) ends with AuthorizationRefused.
 */
export async function completeAuthorization(
  browser: HeadlessBrowser,
  authorizationUrl: string,
  credentials: { username?: string; password?: string } = {},
): Promise<{ callback: URL; consentPage?: string }> {
  const origin = new URL(authorizationUrl).origin;
  let response = await browser.get(authorizationUrl);
  if (response.status !== 303) {
    const page = await response.text();
    throw new AuthorizationRefused(response.status, pageAlert(page) ?? `the authorization endpoint answered ${response.status}: ${page.slice(0, 300)}`);
  }
  let location = new URL(response.headers.get('location')!, origin);
  let consentPage: string | undefined;
  for (let step = 0; step < 6 && location.origin === origin; step += 1) {
    response = await browser.get(location.href);
    if (response.status === 303) {
      location = new URL(response.headers.get('location')!, origin);
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new AuthorizationRefused(response.status, pageAlert(page) ?? `page answered ${response.status}: ${page.slice(0, 300)}`);
    const action = new URL(formAction(page), origin).href;
    if (page.includes('name="password"')) {
      response = await browser.postForm(action, {
        csrf: hiddenField(page, 'csrf'),
        username: credentials.username ?? 'demo',
        password: credentials.password ?? 'demo-password',
      });
    } else {
      consentPage = page;
      response = await browser.postForm(action, { csrf: hiddenField(page, 'csrf'), decision: 'approve' });
    }
    if (response.status !== 303) {
      const text = await response.text();
      throw new AuthorizationRefused(response.status, pageAlert(text) ?? `form answered ${response.status}: ${text.slice(0, 300)}`);
    }
    location = new URL(response.headers.get('location')!, origin);
  }
  return { callback: location, consentPage };
}
