import { chatgptLike, claudeLike, installLike, PUBLIC_EC_JWK, vscodeLike } from '../../../test/fixtures/client-documents.js';
import { CIMD_PROFILES } from './cimd-profile.js';
import { evaluateCimdDocument, type CimdDocumentContext } from './cimd-document.validator.js';
import { parseMetadataPolicy } from './metadata-policy.js';
import { parseUrlPattern, type TrustRule } from './trust-policy.js';

const ID = 'https://apps.example.com/i/123/client.json';
const CONTEXT: CimdDocumentContext = {
  clientId: ID,
  fetchedUrl: ID,
  profile: CIMD_PROFILES['mcp-2025-11-25'],
  trust: { mode: 'open', allow: [], deny: [] },
  globalPolicy: {},
  allowLoopbackHttp: false,
};
const BASE = { client_id: ID, client_name: 'Example', redirect_uris: ['https://apps.example.com/cb'] };

function evaluate(document: unknown, context: Partial<CimdDocumentContext> = {}) {
  const clientId = (document as { client_id?: string })?.client_id;
  const id = typeof clientId === 'string' && context.clientId === undefined ? clientId : (context.clientId ?? ID);
  return evaluateCimdDocument(typeof document === 'string' ? document : JSON.stringify(document), { ...CONTEXT, clientId: id, fetchedUrl: id, ...context });
}

function failedChecks(document: unknown, context: Partial<CimdDocumentContext> = {}): string[] {
  return evaluate(document, context).report.checks.filter((check) => check.status === 'failed').map((check) => `${check.check}: ${check.detail}`);
}

describe('CIMD document validation', () => {
  describe('real clients are accepted', () => {
    it('a VS Code-like public native client: loopback redirects kept, device_code dropped with a note', () => {
      const { report, metadata } = evaluate(vscodeLike());
      expect(report.ok).toBe(true);
      expect(metadata).toMatchObject({
        client_id: 'https://vscode.dev/oauth/client-metadata.json',
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1:33418', 'http://127.0.0.1/', 'https://vscode.dev/redirect'],
        application_type: 'native',
      });
      expect(report.notes).toEqual(['dropped unsupported grant_types: urn:ietf:params:oauth:grant-type:device_code']);
    });

    it('a Claude-like document with the jwt-bearer grant and portless loopback redirects', () => {
      const { report, metadata } = evaluate(claudeLike());
      expect(report.ok).toBe(true);
      expect(metadata?.grant_types).toEqual(['authorization_code', 'refresh_token']);
      expect(metadata?.redirect_uris).toContain('http://localhost/callback');
      expect(report.notes[0]).toContain('jwt-bearer');
    });

    it('a ChatGPT-like confidential client with private_key_jwt, RS256 and a jwks_uri', () => {
      const { report, metadata } = evaluate(chatgptLike());
      expect(report.ok).toBe(true);
      expect(metadata).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256', jwks_uri: 'https://chatgpt.com/oauth/jwks.json' });
    });

    it('a per-install document with an inline public key', () => {
      const { report, metadata } = evaluate(installLike(ID, PUBLIC_EC_JWK));
      expect(report.ok).toBe(true);
      expect(metadata?.jwks?.keys).toEqual([PUBLIC_EC_JWK]);
    });

    it('picks private_key_jwt from token_endpoint_auth_methods_supported when the single method is omitted', () => {
      const document = { ...chatgptLike() };
      delete document.token_endpoint_auth_method;
      expect(evaluate(document).metadata?.token_endpoint_auth_method).toBe('private_key_jwt');
    });

    it('ignores unknown members (test idea 32)', () => {
      const { report, metadata } = evaluate({ ...BASE, x_vendor: { anything: true }, software_statement: 'eyJ...' });
      expect(report.ok).toBe(true);
      expect(metadata).not.toHaveProperty('x_vendor');
      expect(metadata).toMatchObject({ grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' });
    });
  });

  describe('refusals, each naming the failed check', () => {
    it.each([
      ['HTML', '<html>hi</html>', 'json: the body is not valid JSON'],
      ['an array', '[1,2]', 'json: the body is not a JSON object'],
      ['null', 'null', 'json: the body is not a JSON object'],
    ])('a body that is %s', (_name, body, message) => {
      expect(failedChecks(body)).toEqual([message]);
    });

    it.each([
      ['another id', 'https://apps.example.com/i/999/client.json'],
      ['a trailing slash', `${ID}/`],
      ['a different case', ID.toUpperCase()],
      ['an explicit default port', 'https://apps.example.com:443/i/123/client.json'],
    ])('a client_id that differs from the URL by %s (test idea 24)', (_name, documentId) => {
      expect(failedChecks({ ...BASE, client_id: documentId }, { clientId: ID })).toEqual([expect.stringContaining('client_id: the document')]);
    });

    it('a missing client_id, client_name or redirect_uris (test idea 25)', () => {
      const { client_id: _id, ...noId } = BASE;
      expect(failedChecks(noId, { clientId: ID })).toEqual(['client_id: the document has no client_id string']);
      const { client_name: _name, ...noName } = BASE;
      expect(failedChecks(noName)).toEqual(['client_name: is required by the mcp-2025-11-25 profile']);
      const { redirect_uris: _r, ...noRedirects } = BASE;
      expect(failedChecks(noRedirects)).toEqual([expect.stringContaining('redirect_uris: must be a non-empty array')]);
    });

    it.each(['client_secret_basic', 'client_secret_post', 'client_secret_jwt'])('token_endpoint_auth_method %s (test idea 26)', (method) => {
      expect(failedChecks({ ...BASE, token_endpoint_auth_method: method })).toContain(
        `no shared-secret auth method: token_endpoint_auth_method "${method}" is not allowed for a metadata document`,
      );
    });

    it.each(['client_secret', 'client_secret_expires_at'])('a document containing %s (test idea 27)', (field) => {
      expect(failedChecks({ ...BASE, [field]: field === 'client_secret' ? 's3cret' : 0 })).toEqual([`no client secret: the document contains ${field}`]);
    });

    it.each([
      ['a private EC key', { ...PUBLIC_EC_JWK, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' }, '"d"'],
      ['an RSA private key', { kty: 'RSA', n: 'abc', e: 'AQAB', p: 'x', q: 'y' }, '"p"'],
      ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }, '"k"'],
      ['an encryption-only key', { ...PUBLIC_EC_JWK, use: 'enc' }, 'no public signing key'],
    ])('jwks with %s (test idea 28)', (_name, jwk, message) => {
      expect(failedChecks({ ...BASE, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }).join()).toContain(message);
    });

    it('private_key_jwt without keys, and jwks together with jwks_uri (test idea 29)', () => {
      expect(failedChecks({ ...BASE, token_endpoint_auth_method: 'private_key_jwt' })).toEqual(['private_key_jwt keys: private_key_jwt needs jwks or jwks_uri']);
      expect(failedChecks({ ...BASE, jwks: { keys: [PUBLIC_EC_JWK] }, jwks_uri: 'https://apps.example.com/jwks' })).toEqual([
        'jwks: jwks and jwks_uri must not both be present (RFC 7591 section 2)',
      ]);
    });

    it.each([
      ['http on a public host', 'http://evil.example/cb'],
      ['a fragment', 'https://apps.example.com/cb#x'],
      ['a wildcard', 'https://*.example.com/cb'],
      ['a custom scheme (MCP profile)', 'com.example.app:/cb'],
      ['javascript:', 'javascript:alert(1)'],
      ['a relative URI', '/cb'],
    ])('a redirect URI with %s (test idea 30)', (_name, uri) => {
      expect(failedChecks({ ...BASE, redirect_uris: [uri] })).toEqual([expect.stringMatching(/^redirect_uris: redirect_uris\[0\]/)]);
    });

    it.each([
      ['redirect_uris as a string', { redirect_uris: 'https://apps.example.com/cb' }, 'redirect_uris'],
      ['grant_types as a string', { grant_types: 'authorization_code' }, 'grant_types: must be an array of strings'],
      ['a numeric client_name', { client_name: 42 }, 'client_name'],
      ['scope as an array', { scope: ['a'] }, 'scope'],
      ['an unknown application_type', { application_type: 'desktop' }, 'application_type'],
      ['an HMAC signing alg', { token_endpoint_auth_signing_alg: 'HS256' }, 'token_endpoint_auth_signing_alg'],
      ['alg none', { token_endpoint_auth_signing_alg: 'none' }, 'token_endpoint_auth_signing_alg'],
      ['a javascript: logo', { logo_uri: 'javascript:alert(1)' }, 'logo_uri'],
      ['an http jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://apps.example.com/jwks' }, 'jwks_uri'],
      ['a file: jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'file:///etc/passwd' }, 'jwks_uri'],
      ['only unsupported grants', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }, 'grant_types'],
      ['no code response type', { response_types: ['token'] }, 'response_types'],
      ['an unknown auth method', { token_endpoint_auth_method: 'tls_client_auth' }, 'token_endpoint_auth_method'],
    ])('wrong types or values: %s (test idea 31)', (_name, change, check) => {
      expect(failedChecks({ ...BASE, ...change }).join()).toContain(check);
    });
  });

  describe('profiles', () => {
    it('draft-02 does not require client_name and admits reverse-domain private-use redirect schemes', () => {
      const { client_name: _name, ...document } = { ...BASE, redirect_uris: ['com.example.app:/oauth/cb'] };
      expect(evaluate(document, { profile: CIMD_PROFILES['draft-02'] }).report.ok).toBe(true);
      expect(evaluate(document).report.ok).toBe(false);
      expect(failedChecks({ ...BASE, redirect_uris: ['myapp:/cb'] }, { profile: CIMD_PROFILES['draft-02'] })[0]).toContain('reverse-domain');
    });
  });

  describe('trust rules and metadata policy', () => {
    function rule(pattern: string, extra: Partial<TrustRule> = {}): TrustRule {
      return { ...parseUrlPattern(pattern), requirePrivateKeyJwt: false, metadataPolicy: {}, ...extra };
    }

    it('a rule requiring private_key_jwt refuses a public client from its origin', () => {
      const trust = { mode: 'open' as const, allow: [rule('https://apps.example.com/', { requirePrivateKeyJwt: true })], deny: [] };
      expect(failedChecks(BASE, { trust })).toEqual([expect.stringContaining('trust rule requires private_key_jwt')]);
      const evaluation = evaluate(installLike(ID, PUBLIC_EC_JWK), { trust });
      expect(evaluation.report.ok).toBe(true);
      expect(evaluation.rule?.pattern).toBe('https://apps.example.com/');
    });

    it('refuses a trusted client whose redirect URI points elsewhere', () => {
      const trust = { mode: 'allowlist' as const, allow: [rule('https://apps.example.com/')], deny: [] };
      expect(failedChecks({ ...BASE, redirect_uris: ['https://attacker.example/cb'] }, { trust })).toEqual([
        'trust policy (URL fields): redirect_uris[0] https://attacker.example/cb is outside the allowlist',
      ]);
    });

    it('applies the global policy, or the rule policy merged with it, before validation', () => {
      const globalPolicy = parseMetadataPolicy({ scope: { default: 'mcp:tickets:read' } });
      expect(evaluate(BASE, { globalPolicy }).metadata?.scope).toBe('mcp:tickets:read');
      const forced = rule('https://apps.example.com/', { metadataPolicy: parseMetadataPolicy({ token_endpoint_auth_method: { one_of: ['private_key_jwt'] } }) });
      const trust = { mode: 'open' as const, allow: [forced], deny: [] };
      expect(failedChecks({ ...BASE, token_endpoint_auth_method: 'none' }, { trust })).toEqual([
        expect.stringContaining('metadata policy: token_endpoint_auth_method must be one of'),
      ]);
      // one_of ignores an absent parameter; value forces it, and the forced method then needs keys.
      const value = rule('https://apps.example.com/', { metadataPolicy: parseMetadataPolicy({ token_endpoint_auth_method: { value: 'private_key_jwt' } }) });
      expect(failedChecks(BASE, { trust: { ...trust, allow: [value] } })).toEqual(['private_key_jwt keys: private_key_jwt needs jwks or jwks_uri']);
      expect(evaluate(installLike(ID, PUBLIC_EC_JWK), { trust: { ...trust, allow: [value] } }).report.ok).toBe(true);
    });

    it('a policy can narrow what a document declares (restrict signing algs, scope)', () => {
      const globalPolicy = parseMetadataPolicy({ token_endpoint_auth_signing_alg: { one_of: ['ES256'] }, grant_types: { subset_of: ['authorization_code'] } });
      expect(failedChecks(chatgptLike(), { globalPolicy })).toEqual([expect.stringContaining('token_endpoint_auth_signing_alg must be one of ["ES256"]')]);
      expect(evaluate(claudeLike(), { globalPolicy }).metadata?.grant_types).toEqual(['authorization_code']);
    });
  });
});
