import { Fuzzer } from '../support/fuzz.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

type Shape = 'oauth' | 'page' | 'mcp' | 'json';
type BodyKind = 'form' | 'json' | 'none';

interface Target {
  readonly role: 'authorization-server' | 'client-backend' | 'mcp-resource';
  readonly method: string;
  readonly path: (f: Fuzzer) => string;
  readonly body: BodyKind;
  readonly params: readonly string[];
  readonly shape: Shape;
  readonly admin?: boolean;
}

const OAUTH_PARAMS = [
  'grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type',
  'refresh_token', 'scope', 'resource', 'token', 'token_type_hint', 'response_type', 'state', 'code_challenge',
  'code_challenge_method', 'prompt', 'request', 'request_uri', 'response_mode', 'csrf', 'username', 'password', 'decision',
];
const REGISTRATION_FIELDS = ['client_name', 'redirect_uris', 'grant_types', 'response_types', 'token_endpoint_auth_method', 'jwks', 'jwks_uri', 'scope', 'client_uri', 'logo_uri', 'application_type', 'software_statement', 'client_id', 'client_secret'];
const MCP_FIELDS = ['jsonrpc', 'id', 'method', 'params', 'name', 'arguments'];
const BACKEND_FIELDS = ['profile', 'profile_id', 'platform', 'format', 'challenge', 'response', 'attestation', 'attestationObject', 'clientDataJSON', 'keyId', 'clientData', 'jwk', 'pop', 'id', 'rawId', 'type'];
const randomId = (f: Fuzzer) => encodeURIComponent(f.value().toWellFormed()).slice(0, 200) || 'x';

/** Every route of the three roles. */
export const TARGETS: readonly Target[] = [
  { role: 'authorization-server', method: 'GET', path: (f) => `/authorize?${f.form(OAUTH_PARAMS)}`, body: 'none', params: [], shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: () => '/authorize', body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'GET', path: (f) => `/interaction/${randomId(f)}`, body: 'none', params: [], shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: (f) => `/interaction/${randomId(f)}/login`, body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: (f) => `/interaction/${randomId(f)}/consent`, body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: () => '/token', body: 'form', params: OAUTH_PARAMS, shape: 'oauth' },
  { role: 'authorization-server', method: 'POST', path: () => '/revoke', body: 'form', params: OAUTH_PARAMS, shape: 'oauth' },
  { role: 'authorization-server', method: 'POST', path: () => '/introspect', body: 'form', params: OAUTH_PARAMS, shape: 'oauth' },
  { role: 'authorization-server', method: 'POST', path: () => '/register', body: 'json', params: REGISTRATION_FIELDS, shape: 'oauth' },
  { role: 'authorization-server', method: 'GET', path: (f) => `/admin/clients?${f.form(['limit', 'cursor', 'source', 'blocked'])}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'authorization-server', method: 'POST', path: () => '/admin/clients/verify', body: 'json', params: ['client_id'], shape: 'json', admin: true },
  { role: 'authorization-server', method: 'GET', path: (f) => `/admin/clients/${randomId(f)}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'authorization-server', method: 'POST', path: (f) => `/admin/clients/${randomId(f)}/block`, body: 'json', params: ['reason'], shape: 'json', admin: true },
  { role: 'authorization-server', method: 'DELETE', path: (f) => `/admin/clients/${randomId(f)}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'authorization-server', method: 'GET', path: (f) => `/.well-known/oauth-authorization-server?${f.form(['a'])}`, body: 'none', params: [], shape: 'json' },
  { role: 'authorization-server', method: 'GET', path: () => '/jwks', body: 'none', params: [], shape: 'json' },
  { role: 'authorization-server', method: 'GET', path: () => '/account', body: 'none', params: [], shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: () => '/account/login', body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: () => '/account/consents/withdraw', body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'POST', path: () => '/logout', body: 'form', params: OAUTH_PARAMS, shape: 'page' },
  { role: 'authorization-server', method: 'PATCH', path: (f) => `/${randomId(f)}`, body: 'json', params: ['a'], shape: 'json' },
  { role: 'mcp-resource', method: 'POST', path: () => '/mcp', body: 'json', params: MCP_FIELDS, shape: 'mcp' },
  { role: 'mcp-resource', method: 'GET', path: (f) => `/mcp?${f.form(['access_token', 'a'])}`, body: 'none', params: [], shape: 'mcp' },
  { role: 'mcp-resource', method: 'DELETE', path: () => '/mcp', body: 'none', params: [], shape: 'mcp' },
  { role: 'mcp-resource', method: 'OPTIONS', path: () => '/mcp', body: 'none', params: [], shape: 'mcp' },
  { role: 'mcp-resource', method: 'GET', path: (f) => `/.well-known/oauth-protected-resource/${randomId(f)}`, body: 'none', params: [], shape: 'json' },
  { role: 'client-backend', method: 'GET', path: (f) => `/${randomId(f)}/client.json`, body: 'none', params: [], shape: 'json' },
  { role: 'client-backend', method: 'POST', path: () => '/v1/attestation/challenges', body: 'json', params: BACKEND_FIELDS, shape: 'json' },
  { role: 'client-backend', method: 'POST', path: () => '/v1/installs', body: 'json', params: BACKEND_FIELDS, shape: 'json' },
  { role: 'client-backend', method: 'POST', path: (f) => `/v1/installs/${randomId(f)}/keys`, body: 'json', params: BACKEND_FIELDS, shape: 'json' },
  { role: 'client-backend', method: 'DELETE', path: (f) => `/v1/installs/${randomId(f)}`, body: 'none', params: [], shape: 'json' },
  { role: 'client-backend', method: 'GET', path: (f) => `/admin/installs?${f.form(['limit', 'cursor', 'profile', 'platform', 'assurance', 'created_after', 'created_before'])}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'client-backend', method: 'GET', path: (f) => `/admin/installs/${randomId(f)}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'client-backend', method: 'DELETE', path: (f) => `/admin/installs/${randomId(f)}`, body: 'none', params: [], shape: 'json', admin: true },
  { role: 'client-backend', method: 'DELETE', path: (f) => `/admin/profiles/${randomId(f)}/installs`, body: 'none', params: [], shape: 'json', admin: true },
];

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'application/json; charset=latin1',
  'application/x-www-form-urlencoded; charset=utf-16',
  'multipart/form-data; boundary=x',
  'application/xml',
];
const AUTHORIZATIONS = [undefined, 'Bearer', 'Bearer a.b.c', 'Basic !!!', 'Basic Og==', 'DPoP x', 'DeviceJWT a.b.c', 'Bearer ' + 'x'.repeat(5000), 'dev-as-admin-token', 'dev-backend-admin-token'];
const STACK_TRACE = /\bat [\w$.<>]+ \(.*:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+|Error: .*\n\s+at /;

interface Failure {
  readonly request: string;
  readonly status: number;
  readonly reason: string;
  readonly body: string;
}

function judge(target: Target, status: number, contentType: string, text: string, retryAfter: string | null): string | undefined {
  if (status >= 500 && status !== 503) return 'server error';
  if (STACK_TRACE.test(text)) return 'stack trace or path in the body';
  if (status === 429 && !retryAfter) return '429 without Retry-After';
  if (status < 400 || status === 405) return undefined;
  if (contentType.startsWith('text/html')) return target.shape === 'page' ? undefined : 'HTML error on an API route';
  if (!contentType.startsWith('application/json')) return text === '' && ['HEAD', 'OPTIONS'].includes(target.method) ? undefined : `error with content type ${contentType}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'error body is not JSON';
  }
  const record = parsed as { error?: unknown; error_description?: unknown; jsonrpc?: unknown };
  if (target.shape === 'mcp' && record.jsonrpc === '2.0' && typeof record.error === 'object') return undefined;
  if (typeof record.error !== 'string') return 'error body without an "error" string';
  if (record.error_description !== undefined && typeof record.error_description !== 'string') return 'error_description is not a string';
  return undefined;
}

describe('fuzzing every endpoint with malformed requests', () => {
  let system: TestSystem;
  // A fixed seed keeps CI reproducible; FUZZ_SEED and FUZZ_REQUESTS explore further (a failure prints its seed).
  const seed = Number(process.env.FUZZ_SEED ?? 20261122);
  const total = Number(process.env.FUZZ_REQUESTS ?? 2400);

  beforeAll(async () => {
    system = await startTestSystem({ env: { LOG_LEVEL: 'warn' } });
  });

  afterAll(() => system.stop());

  it(`never answers 5xx, never leaks a stack trace, and always answers in the route's error shape (seed ${seed})`, async () => {
    const fuzzer = new Fuzzer(seed);
    const failures: Failure[] = [];
    const counts = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < total) {
        sent += 1;
        const target = fuzzer.pick(TARGETS);
        const path = target.path(fuzzer);
        const headers: Record<string, string> = {};
        const authorization = fuzzer.pick(AUTHORIZATIONS);
        if (authorization) headers.authorization = authorization.startsWith('dev-') ? `Bearer ${authorization}` : authorization;
        if (fuzzer.random() < 0.1) headers.origin = fuzzer.pick(['https://evil.example', 'null', 'http://localhost:6274']);
        let body: string | Buffer | undefined;
        const canHaveBody = !['GET', 'HEAD'].includes(target.method);
        if (canHaveBody && (target.body !== 'none' || fuzzer.random() < 0.05)) {
          headers['content-type'] = fuzzer.random() < 0.75 ? (target.body === 'json' ? 'application/json' : 'application/x-www-form-urlencoded') : fuzzer.pick(CONTENT_TYPES);
          const roll = fuzzer.random();
          if (roll < 0.06) body = fuzzer.invalidUtf8();
          else if (roll < 0.09) body = 'a='.padEnd(70 * 1024, 'x');
          else body = target.body === 'json' ? fuzzer.json(target.params) : fuzzer.form(target.params);
        }
        if (target.role === 'mcp-resource' && target.method === 'POST') headers.accept = 'application/json, text/event-stream';
        const url = `${system.url[target.role]}${path}`;
        let response: Response;
        try {
          response = await fetch(url, { method: target.method, headers, body, redirect: 'manual' });
        } catch (error) {
          failures.push({ request: `${target.method} ${path.slice(0, 120)}`, status: 0, reason: `connection failed: ${(error as Error).message}`, body: '' });
          continue;
        }
        const text = await response.text();
        counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
        const reason = judge(target, response.status, response.headers.get('content-type') ?? '', text, response.headers.get('retry-after'));
        if (reason) failures.push({ request: `${target.method} ${path.slice(0, 120)} [${headers['content-type'] ?? '-'}]`, status: response.status, reason, body: text.slice(0, 300) });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    if (failures.length > 0) process.stderr.write(`fuzz seed ${seed}: ${JSON.stringify(failures.slice(0, 5), null, 2)}\n`);
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(total);
    // Nothing reached the generic 500 path, and every role is still healthy.
    expect(system.logs.find((entry) => entry.msg === 'unexpected error' || entry.msg === 'unexpected error on a page')).toEqual([]);
    for (const role of ['authorization-server', 'client-backend', 'mcp-resource'] as const) {
      expect((await fetch(`${system.url[role]}/healthz`)).status).toBe(200);
    }
    process.stdout.write(`fuzz seed ${seed}: ${total} requests, statuses ${JSON.stringify(Object.fromEntries([...counts].sort()))}\n`);
  });
});
