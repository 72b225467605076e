import type { Response } from 'express';
import { html } from './html.js';
import { renderPage } from './layout.js';

export interface ConsentPage {
  readonly action: string;
  readonly csrf: string;
  /** The client_id's host: the identity the AS actually verified, so it is the prominent name. */
  readonly clientHost: string;
  /** The name the client gives itself (unverified, shown as text). */
  readonly clientName?: string;
  readonly clientId: string;
  readonly redirectHost: string;
  /** Origin the browser is sent to after the decision (allowed in CSP form-action). */
  readonly redirectOrigin: string;
  readonly loopbackOnly: boolean;
  readonly resources: ReadonlyArray<{ readonly name: string; readonly host: string }>;
  readonly scopes: readonly string[];
  readonly username: string;
}

/**
 * The consent page (CIMD section 8.5; MCP 2025-11-25 security considerations): the client_id host first
 * and largest, the redirect host, the resource and scopes in words, and a warning for localhost-only clients.
 */
export function renderConsentPage(response: Response, page: ConsentPage): void {
  const body = html`<h1>Allow access?</h1>
<p class="muted">This application</p>
<p class="host" id="client-host">${page.clientHost}</p>
${page.clientName && page.clientName !== page.clientHost ? html`<p>calls itself <strong id="client-name">${page.clientName}</strong>.</p>` : ''}
<p>It wants to use ${page.resources.map((resource, index) => html`${index > 0 ? ', ' : ''}<strong>${resource.name}</strong> (${resource.host})`)} as <strong>${page.username}</strong> and be allowed to:</p>
<ul id="scopes">${page.scopes.map((scope) => html`<li>${scope}</li>`)}</ul>
<p>After you decide, you will be sent to <strong id="redirect-host">${page.redirectHost}</strong>.</p>
${page.loopbackOnly ? html`<div class="warning" role="note" id="loopback-warning"><strong>This application runs on your own device (localhost).</strong> Any program on this device can claim its name. Approve only if you started this sign-in yourself just now.</div>` : ''}
<form method="post" action="${page.action}">
<input type="hidden" name="csrf" value="${page.csrf}">
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="muted">Application identifier: <code>${page.clientId}</code></p>
<p class="muted">You can withdraw this permission at any time on <a href="/account">your account page</a>.</p>`;
  renderPage(response, { title: `Allow ${page.clientHost}?`, body, formTargets: [page.redirectOrigin] });
}
