import type { Response } from 'express';
import { html } from './html.js';
import { renderPage } from './layout.js';

export interface AccountPage {
  readonly username: string;
  readonly csrf: string;
  readonly notice?: string;
  readonly consents: ReadonlyArray<{
    readonly clientId: string;
    readonly clientHost: string;
    readonly resourceName: string;
    readonly scopes: readonly string[];
    readonly grantedAt: Date;
  }>;
}

/** Where a user sees and withdraws what they have allowed. */
export function renderAccountPage(response: Response, page: AccountPage): void {
  const body = html`<h1>Your account</h1>
<p>Signed in as <strong>${page.username}</strong>.</p>
${page.notice ? html`<p role="status">${page.notice}</p>` : ''}
<h2>Applications you have allowed</h2>
${page.consents.length === 0 ? html`<p class="muted">None.</p>` : ''}
${page.consents.map(
  (consent) => html`<div>
<p><strong class="host">${consent.clientHost}</strong><br><span class="muted">${consent.resourceName}: ${consent.scopes.join(', ')} (since ${consent.grantedAt.toISOString().slice(0, 10)})</span></p>
<form method="post" action="/account/consents/withdraw">
<input type="hidden" name="csrf" value="${page.csrf}">
<input type="hidden" name="client_id" value="${consent.clientId}">
<button type="submit">Withdraw access for ${consent.clientHost}</button>
</form></div>`,
)}
<form method="post" action="/logout">
<input type="hidden" name="csrf" value="${page.csrf}">
<div class="actions"><button type="submit">Sign out</button></div>
</form>`;
  renderPage(response, { title: 'Your account', body });
}
