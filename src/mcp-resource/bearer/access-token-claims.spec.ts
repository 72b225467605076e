import { checkAccessTokenClaims, checkAccessTokenHeader, type AccessTokenPolicy } from './access-token-claims.js';

const POLICY: AccessTokenPolicy = { issuer: 'https://as.example.com', resource: 'https://mcp.example.com/mcp', clockSkewSeconds: 30 };
const NOW = 1_800_000_000;

const VALID = {
  iss: 'https://as.example.com',
  aud: 'https://mcp.example.com/mcp',
  sub: 'user-1',
  client_id: 'https://app.example/c.json',
  scope: 'mcp:tickets:read mcp:tickets:write',
  iat: NOW - 10,
  exp: NOW + 290,
  jti: 'j-1',
};

describe('checkAccessTokenHeader (RFC 9068 section 4)', () => {
  it.each([
    ['ES256 at+jwt', { alg: 'ES256', typ: 'at+jwt', kid: 'k' }],
    ['EdDSA', { alg: 'EdDSA', typ: 'at+jwt', kid: 'k' }],
    ['RS256', { alg: 'RS256', typ: 'at+jwt', kid: 'k' }],
    ['PS256', { alg: 'PS256', typ: 'at+jwt', kid: 'k' }],
    ['application/at+jwt', { alg: 'ES256', typ: 'application/at+jwt', kid: 'k' }],
    ['typ in upper case (media types are case-insensitive)', { alg: 'ES256', typ: 'AT+JWT', kid: 'k' }],
  ])('accepts %s', (_, header) => {
    expect(checkAccessTokenHeader(header)).toEqual({ ok: true, value: { alg: header.alg, kid: 'k' } });
  });

  it.each([
    ['alg none', { alg: 'none', typ: 'at+jwt', kid: 'k' }, /alg none/],
    ['HS256 (a shared secret could mint tokens)', { alg: 'HS256', typ: 'at+jwt', kid: 'k' }, /alg HS256/],
    ['ES384 (not on the allowlist)', { alg: 'ES384', typ: 'at+jwt', kid: 'k' }, /alg ES384/],
    ['no alg', { typ: 'at+jwt', kid: 'k' }, /alg undefined/],
    ['typ JWT (an ID token or a generic JWT)', { alg: 'ES256', typ: 'JWT', kid: 'k' }, /typ JWT/],
    ['no typ', { alg: 'ES256', kid: 'k' }, /typ undefined/],
    ['a client assertion', { alg: 'ES256', typ: 'client-authentication+jwt', kid: 'k' }, /typ client-authentication\+jwt/],
    ['a logout token', { alg: 'ES256', typ: 'logout+jwt', kid: 'k' }, /typ/],
    ['typ at+jwt with a suffix', { alg: 'ES256', typ: 'at+jwt; x=1', kid: 'k' }, /typ/],
    ['no kid', { alg: 'ES256', typ: 'at+jwt' }, /kid/],
    ['an empty kid', { alg: 'ES256', typ: 'at+jwt', kid: '' }, /kid/],
    ['a header that is not an object', 'ES256', /not a JSON object/],
  ])('refuses %s', (_, header, reason) => {
    const result = checkAccessTokenHeader(header);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});

describe('checkAccessTokenClaims (RFC 9068 sections 2.2 and 4)', () => {
  it('accepts a token for this resource from the trusted issuer and returns what the tools use', () => {
    expect(checkAccessTokenClaims({ ...VALID, auth_time: NOW - 100 }, POLICY, NOW)).toEqual({
      ok: true,
      value: {
        subject: 'user-1',
        clientId: 'https://app.example/c.json',
        scopes: ['mcp:tickets:read', 'mcp:tickets:write'],
        expiresAt: NOW + 290,
        issuedAt: NOW - 10,
        jwtId: 'j-1',
        authTime: NOW - 100,
      },
    });
  });

  it.each([
    ['aud as an array containing this resource', { aud: ['https://other.example/mcp', 'https://mcp.example.com/mcp'] }],
    ['expired less than the skew ago', { exp: NOW - 29 }],
    ['issued slightly in the future (within the skew)', { iat: NOW + 29 }],
    ['nbf within the skew', { nbf: NOW + 29 }],
    ['no scope (no tool will be allowed, but the token is valid)', { scope: undefined }],
    ['an empty scope', { scope: '' }],
    ['non-integer NumericDates', { iat: NOW - 0.5, exp: NOW + 10.25 }],
  ])('accepts %s', (_, change) => {
    expect(checkAccessTokenClaims({ ...VALID, ...change }, POLICY, NOW).ok).toBe(true);
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example.com' }, /iss/],
    ['the issuer with a trailing slash (compared exactly)', { iss: 'https://as.example.com/' }, /iss/],
    ['no issuer', { iss: undefined }, /iss/],
    ['a token for another resource', { aud: 'https://other.example/mcp' }, /aud/],
    ['this resource with a trailing slash', { aud: 'https://mcp.example.com/mcp/' }, /aud/],
    ['this resource in upper case', { aud: 'HTTPS://MCP.EXAMPLE.COM/mcp' }, /aud/],
    ['an audience array without this resource', { aud: ['https://other.example/mcp'] }, /aud/],
    ['an empty audience array', { aud: [] }, /aud/],
    ['an audience array with a non-string', { aud: ['https://mcp.example.com/mcp', 7] }, /aud/],
    ['the client_id as audience (an ID token)', { aud: 'https://app.example/c.json' }, /aud/],
    ['no aud', { aud: undefined }, /aud/],
    ['expired beyond the skew', { exp: NOW - 30 }, /expired/],
    ['no exp', { exp: undefined }, /exp/],
    ['exp as a string', { exp: String(NOW + 100) }, /exp/],
    ['issued in the future beyond the skew', { iat: NOW + 31 }, /future/],
    ['no iat', { iat: undefined }, /iat/],
    ['nbf in the future beyond the skew', { nbf: NOW + 31 }, /not valid before/],
    ['nbf not a number', { nbf: 'soon' }, /not valid before/],
    ['no sub', { sub: undefined }, /sub/],
    ['an empty sub', { sub: '' }, /sub/],
    ['a numeric sub', { sub: 42 }, /sub/],
    ['no client_id', { client_id: undefined }, /client_id/],
    ['no jti', { jti: undefined }, /jti/],
    ['scope as an array', { scope: ['mcp:tickets:read'] }, /scope/],
    ['scope with a double space', { scope: 'mcp:tickets:read  mcp:tickets:write' }, /scope/],
    ['scope with a quote', { scope: 'mcp:"tickets' }, /scope/],
    ['auth_time not a number', { auth_time: 'yesterday' }, /auth_time/],
  ])('refuses %s', (_, change, reason) => {
    const result = checkAccessTokenClaims({ ...VALID, ...change }, POLICY, NOW);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('refuses a payload that is not a JSON object', () => {
    expect(checkAccessTokenClaims(['x'], POLICY, NOW).ok).toBe(false);
    expect(checkAccessTokenClaims(null, POLICY, NOW).ok).toBe(false);
  });
});
