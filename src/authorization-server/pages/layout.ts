import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { html, SafeHtml } from './html.js';

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#f6f8fa;--card:#fff;--line:#d0d7de;--accent:#0b5cad;--warn-bg:#fff8c5;--warn-line:#d4a72c;--danger:#a40e26}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#4aa3ff;--warn-bg:#3b2e05;--warn-line:#9e7a1a;--danger:#ff7b72}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:30rem;margin:0 auto;padding:1.5rem 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 1rem}h2{font-size:1rem;margin:1.25rem 0 .5rem}
p{margin:.5rem 0}.muted{color:var(--muted);font-size:.925rem}.host{font-size:1.25rem;font-weight:700;word-break:break-all}
ul{padding-left:1.25rem;margin:.25rem 0}li{margin:.25rem 0}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--fg)}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.1rem;border-radius:8px;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer;text-decoration:none;min-height:44px}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.25rem}.actions form{margin:0}
.warning{background:var(--warn-bg);border:1px solid var(--warn-line);border-radius:8px;padding:.75rem;margin:1rem 0}
.error{color:var(--danger);font-weight:600}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
code{font-size:.9em;word-break:break-all}
`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export interface PageOptions {
  readonly title: string;
  readonly body: SafeHtml;
  readonly status?: number;
  /** Origins a form on this page may lead to (CSP form-action also governs the redirect after a POST). */
  readonly formTargets?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Writes a server-rendered page with the anti-clickjacking and privacy headers of BCP RFC 9700
 * sections 4.16 and 4.2.4: no framing, no referrer, no scripts, no third-party resources, not cached.
 */
export function renderPage(response: Response, options: PageOptions): void {
  const formAction = ["'self'", ...(options.formTargets ?? [])].join(' ');
  response.status(options.status ?? 200);
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body><main><div class="card">${options.body}</div></main></body>
</html>`;
  response.send(page.value);
}
