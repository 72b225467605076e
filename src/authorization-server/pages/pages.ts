import type { Response } from 'express';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';

export interface ErrorPage {
  readonly status: number;
  readonly title: string;
  readonly message: string;
  /** A link back to the client carrying the error (shown instead of an automatic redirect). */
  readonly returnTo?: { readonly url: string; readonly host: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export function renderErrorPage(response: Response, page: ErrorPage): void {
  renderPage(response, {
    title: page.title,
    status: page.status,
    headers: page.headers,
    body: html`<h1>${page.title}</h1>
<p role="alert">${page.message}</p>
${page.returnTo ? html`<p class="muted">You can return to the application at <strong>${page.returnTo.host}</strong>; it will be told that the request failed.</p>
<div class="actions"><a class="button" href="${page.returnTo.url}">Return to ${page.returnTo.host}</a></div>` : ''}`,
  });
}

export interface LoginPage {
  readonly action: string;
  readonly csrf: string;
  /** Who the user is signing in for (the client's host), when there is a pending authorization. */
  readonly forHost?: string;
  readonly username?: string;
  readonly error?: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function renderLoginPage(response: Response, page: LoginPage): void {
  const body: SafeHtml = html`<h1>Sign in</h1>
${page.forHost ? html`<p>to continue to <strong class="host">${page.forHost}</strong></p>` : ''}
${page.error ? html`<p class="error" role="alert" id="login-error">${page.error}</p>` : ''}
<form method="post" action="${page.action}">
<input type="hidden" name="csrf" value="${page.csrf}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${page.username ?? ''}"${page.error ? html` aria-describedby="login-error"` : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required maxlength="1024">
<div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>`;
  renderPage(response, { title: 'Sign in', status: page.status, headers: page.headers, body });
}
