import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { openListener } from '../../src/bootstrap/listener.js';
import { loadConfig } from '../../src/config/app-config.js';
import { body } from '../support/http.js';
import { ProbeModule } from '../support/probe.module.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

const probes = { 'authorization-server': [ProbeModule], 'client-backend': [ProbeModule], 'mcp-resource': [ProbeModule] };

describe('HTTP foundation', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ extra: probes });
  });

  afterAll(() => system.stop());

  it.each(['authorization-server', 'client-backend', 'mcp-resource'] as const)('serves /healthz and /readyz on the %s role', async (role) => {
    const health = await fetch(`${system.url[role]}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${system.url[role]}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('keeps each role on its own listener: AS routes do not exist on the other roles', async () => {
    expect((await fetch(`${system.url['authorization-server']}/.well-known/oauth-authorization-server`)).status).toBe(200);
    expect((await fetch(`${system.url['client-backend']}/.well-known/oauth-authorization-server`)).status).toBe(404);
    expect((await fetch(`${system.url['mcp-resource']}/jwks`)).status).toBe(404);
  });

  it('writes an OAuthError as RFC 6749 JSON with no-store, and keeps the detail for the log', async () => {
    system.logs.clear();
    const response = await fetch(`${system.url['authorization-server']}/probe/invalid-grant`);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The provided authorization grant is invalid, expired or revoked.',
    });
    const requestId = response.headers.get('x-request-id');
    const logged = system.logs.find((entry) => entry.reqId === requestId && entry.code === 'invalid_grant');
    expect(logged[0]?.detail).toBe('code was already redeemed (probe)');
  });

  it('adds the Basic challenge to invalid_client (401) when the client used the Authorization header', async () => {
    const response = await fetch(`${system.url['authorization-server']}/probe/invalid-client`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="token"');
    expect((await body(response)).error).toBe('invalid_client');
  });

  it('turns an unexpected exception into a generic server_error: no stack, no detail on the wire, all of it in the log', async () => {
    system.logs.clear();
    const response = await fetch(`${system.url['client-backend']}/probe/crash`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'server_error', error_description: 'The server encountered an unexpected condition.' });
    expect(text).not.toMatch(/secret|at .*\.ts|stack/i);
    const [logged] = system.logs.find((entry) => entry.msg === 'unexpected error');
    expect(JSON.stringify(logged)).toContain('postgres://secret@db');
    expect((logged.error as { stack: string }).stack).toContain('ProbeController');
  });

  it('answers unknown routes, malformed JSON and oversized bodies in the same JSON error shape', async () => {
    const base = system.url['mcp-resource'];
    const missing = await fetch(`${base}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found', error_description: 'There is nothing at this address.' });

    const malformed = await fetch(`${base}/probe/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'invalid_request', error_description: 'The request body is not valid JSON.' });

    const huge = await fetch(`${base}/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(system.config.server.bodyLimitBytes) }),
    });
    expect(huge.status).toBe(413);
    expect((await body(huge)).error).toBe('invalid_request');

    const form = await fetch(`${base}/probe/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&a=2&b[c]=3',
    });
    expect(await form.json()).toEqual({ body: 'a=1&a=2&b[c]=3' });
  });

  it('refuses encoded control characters in URLs, over-nested or NUL-bearing JSON, and oversized headers in the JSON error shape', async () => {
    const base = system.url['authorization-server'];
    const nul = await fetch(`${base}/admin/clients/%00`);
    expect(nul.status).toBe(400);
    expect(await nul.json()).toEqual({ error: 'invalid_request', error_description: 'The URL contains control characters.' });
    const deep = await fetch(`${base}/probe/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(1000) + ']'.repeat(1000) });
    expect(deep.status).toBe(400);
    expect((await body(deep)).error_description).toMatch(/nested more than 32 levels/);
    const nulJson = await fetch(`${base}/probe/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"\\u0000"}' });
    expect(nulJson.status).toBe(400);
    const huge = await fetch(`${base}/healthz`, { headers: { 'x-filler': 'x'.repeat(20_000) } });
    expect(huge.status).toBe(431);
    expect(huge.headers.get('content-type')).toBe('application/json');
    expect(await huge.json()).toEqual({ error: 'invalid_request', error_description: 'The request headers are too large.' });
  });

  it('logs one structured JSON line per request carrying the request id, and echoes the id', async () => {
    system.logs.clear();
    const response = await fetch(`${system.url['client-backend']}/healthz`, { headers: { 'X-Request-Id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const generated = await fetch(`${system.url['client-backend']}/healthz`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    const generatedId = generated.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const access = system.logs.find((entry) => entry.msg === 'request');
    expect(access.map((entry) => entry.reqId)).toEqual(['trace-123', generatedId]);
    expect(access[0]).toMatchObject({ level: 'info', role: 'client-backend', method: 'GET', path: '/healthz', status: 200 });
    expect(typeof access[0].time).toBe('string');
  });

  it('ignores X-Forwarded-For from a peer that is not a configured proxy', async () => {
    const response = await fetch(`${system.url['authorization-server']}/probe/client`, {
      headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' },
    });
    expect(await response.json()).toEqual({ ip: '127.0.0.1', protocol: 'http' });
  });
});

describe('HTTP foundation: trusted proxy, TLS, readiness and shutdown', () => {
  it('believes X-Forwarded-* from a configured proxy', async () => {
    const system = await startTestSystem({ roles: ['authorization-server'], env: { TRUST_PROXY: '127.0.0.1' }, extra: probes });
    try {
      const response = await fetch(`${system.url['authorization-server']}/probe/client`, {
        headers: { 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https' },
      });
      expect(await response.json()).toEqual({ ip: '203.0.113.7', protocol: 'https' });
    } finally {
      await system.stop();
    }
  });

  it('serves https itself when given a certificate and key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = {
      privateKey: await crypto.subtle.importKey('pkcs8', privateKey.export({ format: 'der', type: 'pkcs8' }), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']),
      publicKey: await crypto.subtle.importKey('spki', publicKey.export({ format: 'der', type: 'spki' }), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    };
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=127.0.0.1',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
    });
    const dir = mkdtempSync(join(tmpdir(), 'acimd-tls-'));
    writeFileSync(join(dir, 'cert.pem'), cert.toString('pem'));
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const config = loadConfig({ MCP_TLS_CERT_FILE: join(dir, 'cert.pem'), MCP_TLS_KEY_FILE: join(dir, 'key.pem') });
    const listener = await openListener({ ...config.mcpResource.listener, port: 0, host: '127.0.0.1' });
    listener.attach((_req, res) => res.end('tls ok'));
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: listener.port, path: '/', ca: cert.toString('pem') }, (res) => {
          let data = '';
          res.on('data', (chunk) => (data += chunk));
          res.on('end', () => resolve(data));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).toBe('tls ok');
    } finally {
      await new Promise((resolve) => listener.server.close(resolve));
    }
  });

  it('reports not ready (503) when the database is unreachable, while /healthz stays up', async () => {
    const system = await startTestSystem({ roles: ['mcp-resource'] });
    try {
      await system.database.dataSource.destroy();
      const ready = await fetch(`${system.url['mcp-resource']}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
      expect((await fetch(`${system.url['mcp-resource']}/healthz`)).status).toBe(200);
    } finally {
      await system.system.stop(100);
      await system.database.close().catch(() => undefined);
    }
  });

  it('on stop: finishes requests in flight, then refuses new connections', async () => {
    const system = await startTestSystem({ roles: ['client-backend'], extra: probes });
    const base = system.url['client-backend'];
    const inFlight = fetch(`${base}/probe/slow?ms=400`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = system.system.stop(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ slept: 400 });
    await stopping;
    await system.database.close();
  });
});
