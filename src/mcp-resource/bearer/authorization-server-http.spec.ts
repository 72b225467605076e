import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config/app-config.js';
import { AuthorizationServerFetchError, FetchAuthorizationServerHttp, refuseAuthorizationServerUrl } from './authorization-server-http.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe('the outbound port to the authorization server', () => {
  let server: Server;
  let base: string;
  let handler: Handler = () => undefined;
  const seen: IncomingMessage[] = [];
  let connections = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request);
      handler(request, response);
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen.length = 0;
    connections = 0;
  });

  const client = (env: Record<string, string> = {}) => {
    const config = loadConfig({ MCP_AS_FETCH_TIMEOUT_MS: '300', MCP_AS_FETCH_MAX_BYTES: '2kb', ...env });
    return new FetchAuthorizationServerHttp(config.mcpResource, config.server);
  };
  const json = (status: number, body: string, type = 'application/json'): Handler => (_, response) => {
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  };

  it('GETs JSON without credentials, naming itself', async () => {
    handler = json(200, '{"issuer":"x"}');
    await expect(client().getJson(`${base}/.well-known/oauth-authorization-server`)).resolves.toEqual({ issuer: 'x' });
    expect(seen[0].method).toBe('GET');
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(seen[0].headers.cookie).toBeUndefined();
    expect(seen[0].headers['user-agent']).toBe('attested-cimd-mcp-resource');
  });

  it('accepts application/jwk-set+json', async () => {
    handler = json(200, '{"keys":[]}', 'application/jwk-set+json; charset=utf-8');
    await expect(client().getJson(`${base}/jwks`)).resolves.toEqual({ keys: [] });
  });

  it.each([
    ['a non-200 status', json(404, '{}'), /answered 404/],
    ['a body that is not JSON', json(200, '<html>', 'text/html'), /not JSON/],
    ['invalid JSON', json(200, '{"keys":'), /invalid JSON/],
    [
      'a declared length over the cap',
      ((_, response) => {
        const body = `{"a":"${'x'.repeat(3000)}"}`;
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        response.end(body);
      }) as Handler,
      /response of 3008 bytes exceeds 2048/,
    ],
    [
      'a streamed body over the cap',
      ((_, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
        response.write(`{"a":"${'x'.repeat(1500)}`);
        response.end(`${'x'.repeat(1500)}"}`);
      }) as Handler,
      /exceeds 2048/,
    ],
  ])('refuses %s', async (_, next, message) => {
    handler = next;
    await expect(client().getJson(`${base}/jwks`)).rejects.toThrow(message);
  });

  it('does not follow a redirect (the target is never contacted)', async () => {
    handler = (request, response) => {
      if (request.url === '/elsewhere') return json(200, '{}')(request, response);
      response.writeHead(302, { location: `${base}/elsewhere` });
      response.end();
    };
    await expect(client().getJson(`${base}/jwks`)).rejects.toThrow(/answered 302/);
    expect(seen.map((request) => request.url)).toEqual(['/jwks']);
  });

  it('gives up after the timeout when the AS never answers', async () => {
    handler = () => undefined;
    const started = Date.now();
    await expect(client().getJson(`${base}/jwks`)).rejects.toBeInstanceOf(AuthorizationServerFetchError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up after the timeout when the body trickles', async () => {
    handler = (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"keys":');
    };
    await expect(client().getJson(`${base}/jwks`)).rejects.toThrow(/failed while reading/);
  });

  it('refuses plain http in production before connecting, even to loopback', async () => {
    handler = json(200, '{}');
    const production = client({
      MODE: 'production',
      AS_ISSUER: 'https://as.example.test',
      BACKEND_PUBLIC_URL: 'https://apps.example.test',
      MCP_PUBLIC_URL: 'https://mcp.example.test',
      AS_KEY_ENCRYPTION_KEY: 'a'.repeat(64),
      BACKEND_APP_PROFILES: '[{"id":"app","client_name":"App","redirect_uris":["https://app.example.com/cb"],"platforms":{"windows":{"formats":["packed-self"]}}}]',
    });
    await expect(production.getJson(`${base}/jwks`)).rejects.toThrow(/not https/);
    expect(connections).toBe(0);
  });

  it.each([
    ['https://as.example.com/jwks', true, undefined],
    ['http://localhost:3000/jwks', true, undefined],
    ['http://127.0.0.1:3000/jwks', true, undefined],
    ['http://[::1]:3000/jwks', true, undefined],
    ['http://localhost:3000/jwks', false, /not https/],
    ['http://as.example.com/jwks', true, /not https or loopback http/],
    ['http://10.0.0.1/jwks', true, /not https or loopback http/],
    ['https://user:pass@as.example.com/jwks', true, /credentials/],
    ['file:///etc/passwd', true, /not https/],
    ['jwks', true, /not an absolute URL/],
  ])('decides whether %s may be fetched (loopback http allowed: %s)', (url, allowLoopbackHttp, refusal) => {
    const reason = refuseAuthorizationServerUrl(url, allowLoopbackHttp);
    if (refusal) expect(reason).toMatch(refusal);
    else expect(reason).toBeUndefined();
  });
});
