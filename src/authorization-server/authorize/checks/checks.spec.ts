import type { ResourceServerConfig } from '../../../config/sections/authorization-server.js';
import { InvalidScope, InvalidTarget } from '../../oauth-errors/oauth-errors.js';
import { checkCodeChallenge, s256, verifyCodeVerifier } from './pkce.js';
import { isLoopbackRedirectUri, matchRedirectUri } from './redirect-uri.js';
import { checkResources } from './resources.js';
import { checkScopes } from './scopes.js';

describe('redirect URI matching', () => {
  const anyPort = { localhostAnyPort: true };
  const exactLocalhost = { localhostAnyPort: false };

  it.each<[string, string | undefined, string[], string | undefined]>([
    ['exact match', 'https://app.example/cb', ['https://app.example/cb'], 'https://app.example/cb'],
    ['extra trailing slash', 'https://app.example/cb/', ['https://app.example/cb'], undefined],
    ['different case', 'https://APP.example/cb', ['https://app.example/cb'], undefined],
    ['extra query', 'https://app.example/cb?x=1', ['https://app.example/cb'], undefined],
    ['fragment', 'https://app.example/cb#x', ['https://app.example/cb'], undefined],
    ['explicit default port', 'https://app.example:443/cb', ['https://app.example/cb'], undefined],
    ['path prefix', 'https://app.example/cb/more', ['https://app.example/cb'], undefined],
    ['loopback IPv4, any port', 'http://127.0.0.1:51004/cb', ['http://127.0.0.1/cb'], 'http://127.0.0.1:51004/cb'],
    ['loopback IPv4, other registered port', 'http://127.0.0.1:51004/cb', ['http://127.0.0.1:8080/cb'], 'http://127.0.0.1:51004/cb'],
    ['loopback IPv6, any port', 'http://[::1]:6000/cb', ['http://[::1]/cb'], 'http://[::1]:6000/cb'],
    ['loopback, different path', 'http://127.0.0.1:51004/other', ['http://127.0.0.1/cb'], undefined],
    ['loopback, different host', 'http://127.0.0.2:51004/cb', ['http://127.0.0.1/cb'], undefined],
    ['loopback, IP for a localhost registration', 'http://127.0.0.1:5000/cb', ['http://localhost/cb'], undefined],
    ['loopback over https is not the loopback exception', 'https://127.0.0.1:5000/cb', ['https://127.0.0.1/cb'], undefined],
    ['loopback, different query', 'http://127.0.0.1:5000/cb?a=2', ['http://127.0.0.1/cb?a=1'], undefined],
    ['loopback, same query', 'http://127.0.0.1:5000/cb?a=1', ['http://127.0.0.1/cb?a=1'], 'http://127.0.0.1:5000/cb?a=1'],
    ['loopback, port out of range', 'http://127.0.0.1:99999/cb', ['http://127.0.0.1/cb'], undefined],
    ['localhost, any port (configured)', 'http://localhost:33418/callback', ['http://localhost/callback'], 'http://localhost:33418/callback'],
    ['omitted with one registered', undefined, ['https://app.example/cb'], 'https://app.example/cb'],
    ['omitted with several registered', undefined, ['https://a.example/cb', 'https://b.example/cb'], undefined],
  ])('%s', (_name, requested, registered, expected) => {
    expect(matchRedirectUri(requested, registered, anyPort)).toBe(expected);
  });

  it('applies the port exemption to localhost only when configured', () => {
    expect(matchRedirectUri('http://localhost:33418/callback', ['http://localhost/callback'], exactLocalhost)).toBeUndefined();
    expect(matchRedirectUri('http://localhost/callback', ['http://localhost/callback'], exactLocalhost)).toBe('http://localhost/callback');
  });

  it('recognises loopback redirect URIs', () => {
    expect(isLoopbackRedirectUri('http://127.0.0.1/cb')).toBe(true);
    expect(isLoopbackRedirectUri('http://[::1]:9/cb')).toBe(true);
    expect(isLoopbackRedirectUri('http://localhost:3000/cb')).toBe(true);
    expect(isLoopbackRedirectUri('https://localhost/cb')).toBe(false);
    expect(isLoopbackRedirectUri('http://127.0.0.1.evil.example/cb')).toBe(false);
  });
});

describe('PKCE', () => {
  const challenge = s256('a'.repeat(43));

  it.each<[string, string | undefined, string | undefined, string | undefined]>([
    ['S256 with a valid challenge', challenge, 'S256', undefined],
    ['missing challenge', undefined, 'S256', 'missing_challenge'],
    ['plain', challenge, 'plain', 'unsupported_method'],
    ['missing method (defaults to plain)', challenge, undefined, 'unsupported_method'],
    ['lowercase s256', challenge, 's256', 'unsupported_method'],
    ['42 characters', 'a'.repeat(42), 'S256', 'malformed_challenge'],
    ['129 characters', 'a'.repeat(129), 'S256', 'malformed_challenge'],
    ['invalid characters', `${'a'.repeat(42)}+`, 'S256', 'malformed_challenge'],
  ])('%s', (_name, value, method, problem) => {
    expect(checkCodeChallenge(value, method)).toBe(problem);
  });

  it('verifies a verifier against its S256 challenge (RFC 7636 appendix B vector)', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(verifyCodeVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(verifyCodeVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(false);
    expect(verifyCodeVerifier(undefined, challenge)).toBe(false);
    expect(verifyCodeVerifier('short', s256('short'))).toBe(false);
  });
});

const tickets: ResourceServerConfig = {
  resource: 'https://mcp.example/mcp',
  name: 'Tickets',
  scopes: ['tickets:read', 'tickets:write'],
  defaultScopes: ['tickets:read'],
  introspectionClients: [],
};
const files: ResourceServerConfig = { resource: 'https://files.example/mcp', name: 'Files', scopes: ['files:read'], defaultScopes: [], introspectionClients: [] };

describe('resource indicators (RFC 8707)', () => {
  it('defaults to the first configured resource', () => {
    expect(checkResources([], [tickets, files], false)).toEqual([tickets]);
  });

  it('accepts a configured resource, compared as an exact string', () => {
    expect(checkResources(['https://files.example/mcp'], [tickets, files], false)).toEqual([files]);
  });

  it.each([
    ['relative', '/mcp'],
    ['fragment', 'https://mcp.example/mcp#x'],
    ['unknown', 'https://other.example/mcp'],
    ['trailing slash', 'https://mcp.example/mcp/'],
    ['uppercase host', 'https://MCP.example/mcp'],
  ])('refuses a %s resource with invalid_target', (_name, value) => {
    expect(() => checkResources([value], [tickets, files], false)).toThrow(InvalidTarget);
  });

  it('allows several resources only when configured', () => {
    expect(() => checkResources([tickets.resource, files.resource], [tickets, files], false)).toThrow(InvalidTarget);
    expect(checkResources([tickets.resource, files.resource], [tickets, files], true)).toEqual([tickets, files]);
  });
});

describe('scopes', () => {
  it.each<[string, string | undefined, string | undefined, string[]]>([
    ['default when none requested', undefined, undefined, ['tickets:read']],
    ['requested ones', 'tickets:write tickets:read', undefined, ['tickets:write', 'tickets:read']],
    ['duplicates removed', 'tickets:read tickets:read', undefined, ['tickets:read']],
    ['offline_access accepted and dropped', 'tickets:read offline_access', undefined, ['tickets:read']],
    ['within the client ceiling', 'tickets:read', 'tickets:read', ['tickets:read']],
  ])('grants %s', (_name, requested, ceiling, expected) => {
    expect(checkScopes(requested, [tickets], ceiling)).toEqual(expected);
  });

  it.each<[string, string | undefined, string | undefined]>([
    ['an unknown scope', 'tickets:read admin', undefined],
    ['a scope of another resource', 'files:read', undefined],
    ['a scope above the client ceiling', 'tickets:write', 'tickets:read'],
    ['a malformed scope (double space)', 'tickets:read  tickets:write', undefined],
    ['a malformed scope (quote)', 'tickets:"read', undefined],
    ['only offline_access', 'offline_access', undefined],
    ['no default applies', undefined, 'tickets:write'],
  ])('refuses %s with invalid_scope', (_name, requested, ceiling) => {
    expect(() => checkScopes(requested, [tickets], ceiling)).toThrow(InvalidScope);
  });
});
