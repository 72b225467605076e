import { request as httpRequest } from 'node:http';
import { DirectRoutes, type DirectRoute } from '../../src/common/http-server/direct-routes.js';
import { body } from '../support/http.js';
import { ProbeModule } from '../support/probe.module.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

/**
 * The token endpoint is served ahead of the framework's router (a DirectRoute). These tests hold it to
 * what every framework route gets from the HTTP foundation: request id, access log, client address by
 * the TRUST_PROXY rule, the body limits and errors, CORS, and that only its exact method and path bypass.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const UNKNOWN_CLIENT = 'grant_type=client_credentials&client_id=https%3A%2F%2Fnobody.example%2Fclient.json';

function post(system: TestSystem, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${system.url['authorization-server']}${path}`, { method: 'POST', headers: { ...FORM, ...init.headers }, body: init.body ?? UNKNOWN_CLIENT });
}

describe('token endpoint ahead of the router', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({
      roles: ['authorization-server'],
      env: { TRUST_PROXY: '127.0.0.1', RATE_LIMITS: JSON.stringify({ 'token:ip': { limit: 3, window_seconds: 600 } }) },
      extra: { 'authorization-server': [ProbeModule] },
    });
  });

  afterAll(() => system.stop());

  it('echoes or assigns the request id, sends the OAuth headers, and logs one access line with the forwarded address', async () => {
    system.logs.clear();
    const traced = await post(system, '/token', { headers: { 'X-Request-Id': 'trace-token-1', 'X-Forwarded-For': '198.51.100.1' } });
    expect(traced.status).toBe(401);
    expect(traced.headers.get('x-request-id')).toBe('trace-token-1');
    expect(traced.headers.get('x-content-type-options')).toBe('nosniff');
    expect(traced.headers.get('access-control-allow-origin')).toBe('*');
    expect(traced.headers.get('cache-control')).toBe('no-store');
    expect(traced.headers.get('pragma')).toBe('no-cache');
    expect(traced.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await body(traced)).error).toBe('invalid_client');
    const generated = await post(system, '/token?ignored=1', { headers: { 'X-Request-Id': 'not an id', 'X-Forwarded-For': '198.51.100.1' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const access = system.logs.find((entry) => entry.msg === 'request');
    expect(access.map((entry) => entry.reqId)).toEqual(['trace-token-1', generated.headers.get('x-request-id')]);
    expect(access[0]).toMatchObject({ role: 'authorization-server', method: 'POST', path: '/token', status: 401, ip: '198.51.100.1' });
    expect(access[1]).toMatchObject({ path: '/token' });
  });

  it('counts token:ip per forwarded client address when the peer is a trusted proxy', async () => {
    const from = (address: string) => post(system, '/token', { headers: { 'X-Forwarded-For': address } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await from('203.0.113.7')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await from('203.0.113.8')).status).toBe(401);
  });

  it('reads the form with the shared body rules: size limit, charsets, form type only', async () => {
    const headers = { 'X-Forwarded-For': '192.0.2.10' };
    const huge = await post(system, '/token', { headers, body: `grant_type=client_credentials&pad=${'x'.repeat(system.config.server.bodyLimitBytes)}` });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'invalid_request', error_description: `The request body is larger than ${system.config.server.bodyLimitBytes} bytes.` });
    const charset = await post(system, '/token', { headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=klingon' } });
    expect(charset.status).toBe(415);
    expect((await body(charset)).error).toBe('invalid_request');
    const json = await post(system, '/token', { headers: { 'X-Forwarded-For': '192.0.2.11', 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded.' });
  });

  it('bypasses the router only for POST on the exact path: other methods and paths get the framework answers', async () => {
    const base = system.url['authorization-server'];
    const preflight = await fetch(`${base}/token`, { method: 'OPTIONS', headers: { Origin: 'https://inspector.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    const get = await fetch(`${base}/token`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ error: 'not_found', error_description: 'There is nothing at this address.' });
    const slash = await post(system, '/token/', { headers: { 'X-Forwarded-For': '192.0.2.12' } });
    expect(slash.status).toBe(404);
    expect((await body(slash)).error).toBe('not_found');
  });

  it('drops the connection and logs the error when a direct route fails to answer', async () => {
    system.logs.clear();
    const { port } = new URL(system.url['authorization-server']);
    const outcome = await new Promise<string>((resolve) => {
      const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/probe/direct-failure', headers: { 'content-length': '0' } }, (response) =>
        resolve(`answered ${response.statusCode}`),
      );
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      request.end();
    });
    expect(outcome).toBe('ECONNRESET');
    const [logged] = system.logs.find((entry) => entry.msg === 'direct route failed');
    expect(JSON.stringify(logged)).toContain('direct route bug (probe)');
  });
});

describe('DirectRoutes', () => {
  const route = (path: string): DirectRoute => ({ method: 'POST', path, handle: () => Promise.resolve() });
  const incoming = (method: string, url: string) => ({ method, url }) as never;

  it('matches the exact method and path, ignoring the query', () => {
    const routes = new DirectRoutes();
    const token = route('/token');
    routes.add(token);
    expect(routes.match(incoming('POST', '/token'))).toBe(token);
    expect(routes.match(incoming('POST', '/token?x=1'))).toBe(token);
    expect(routes.match(incoming('POST', 'http://as.example/token'))).toBe(token);
    expect(routes.match(incoming('GET', '/token'))).toBeUndefined();
    expect(routes.match(incoming('POST', '/token/'))).toBeUndefined();
    expect(routes.match(incoming('POST', '/TOKEN'))).toBeUndefined();
  });

  it('refuses a second route for the same method and path', () => {
    const routes = new DirectRoutes();
    routes.add(route('/token'));
    expect(() => routes.add(route('/token'))).toThrow('two direct routes for POST /token');
  });
});
