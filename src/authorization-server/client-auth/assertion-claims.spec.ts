import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AssertionRejected, checkAssertionClaims, checkAssertionHeader, keyFitsAlgorithm, type AssertionRules } from './assertion-claims.js';

const issuer = 'https://as.example';
const clientId = 'https://apps.example/abc/client.json';
const now = 1_800_000_000;
const rules: AssertionRules = {
  issuer,
  tokenEndpoint: `${issuer}/token`,
  acceptTokenEndpointAudience: false,
  nowSeconds: now,
  skewSeconds: 30,
  maxLifetimeSeconds: 300,
};
const good: JWTPayload = { iss: clientId, sub: clientId, aud: issuer, exp: now + 60, iat: now, jti: 'j-1' };

describe('client assertion header', () => {
  it.each(['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'])('accepts %s', (alg) => {
    expect(checkAssertionHeader({ alg })).toBe(alg);
  });

  it.each(['none', 'HS256', 'HS512', 'ES512', 'RS512', ''])('refuses alg %s', (alg) => {
    expect(() => checkAssertionHeader({ alg })).toThrow(AssertionRejected);
  });

  it.each<[string, string | undefined, boolean]>([
    ['untyped', undefined, true],
    ['client-authentication+jwt (RFC 10070)', 'client-authentication+jwt', true],
    ['generic JWT', 'JWT', true],
    ['an access token', 'at+jwt', false],
    ['a DPoP proof', 'dpop+jwt', false],
    ['an attestation PoP', 'oauth-client-attestation-pop+jwt', false],
  ])('typ: %s', (_name, typ, accepted) => {
    const header: JWTHeaderParameters = { alg: 'ES256', typ };
    if (accepted) expect(checkAssertionHeader(header)).toBe('ES256');
    else expect(() => checkAssertionHeader(header)).toThrow(AssertionRejected);
  });
});

describe('client assertion claims (RFC 7523 section 3, RFC 10070)', () => {
  it('accepts iss = sub = client_id, aud = issuer, a short exp and a jti', () => {
    expect(checkAssertionClaims(good, rules)).toEqual({ clientId, jti: 'j-1', exp: now + 60 });
    expect(checkAssertionClaims({ ...good, aud: [issuer] }, rules).clientId).toBe(clientId);
  });

  it.each<[string, JWTPayload]>([
    ['iss differs from sub', { ...good, sub: 'https://apps.example/other/client.json' }],
    ['iss missing', { ...good, iss: undefined }],
    ['aud is the token endpoint', { ...good, aud: `${issuer}/token` }],
    ['aud has the issuer and another value', { ...good, aud: [issuer, 'https://other.example'] }],
    ['aud is the issuer with a trailing slash', { ...good, aud: `${issuer}/` }],
    ['aud missing', { ...good, aud: undefined }],
    ['exp missing', { ...good, exp: undefined }],
    ['exp in the past beyond the skew', { ...good, exp: now - 31 }],
    ['exp an hour ahead', { ...good, exp: now + 3600 }],
    ['nbf in the future', { ...good, nbf: now + 120 }],
    ['iat far in the future', { ...good, iat: now + 600 }],
    ['iat far in the past', { ...good, iat: now - 3600 }],
    ['jti missing', { ...good, jti: undefined }],
    ['jti empty', { ...good, jti: '' }],
    ['jti too long', { ...good, jti: 'x'.repeat(257) }],
  ])('refuses: %s', (_name, payload) => {
    expect(() => checkAssertionClaims(payload, rules)).toThrow(AssertionRejected);
  });

  it('accepts the token endpoint audience only behind the compatibility switch', () => {
    expect(checkAssertionClaims({ ...good, aud: `${issuer}/token` }, { ...rules, acceptTokenEndpointAudience: true }).clientId).toBe(clientId);
  });

  it('tolerates small clock skew on exp, nbf and iat', () => {
    expect(() => checkAssertionClaims({ ...good, exp: now - 10, nbf: now + 10, iat: now + 10 }, rules)).not.toThrow();
  });
});

describe('key and algorithm pinning', () => {
  it.each<[string, Record<string, unknown>, string, boolean]>([
    ['P-256 key for ES256', { kty: 'EC', crv: 'P-256' }, 'ES256', true],
    ['P-256 key for ES384', { kty: 'EC', crv: 'P-256' }, 'ES384', false],
    ['RSA key for ES256', { kty: 'RSA' }, 'ES256', false],
    ['EC key for RS256', { kty: 'EC', crv: 'P-256' }, 'RS256', false],
    ['RSA key for PS256', { kty: 'RSA' }, 'PS256', true],
    ['Ed25519 for EdDSA', { kty: 'OKP', crv: 'Ed25519' }, 'EdDSA', true],
    ['encryption key', { kty: 'EC', crv: 'P-256', use: 'enc' }, 'ES256', false],
    ['key pinned to another alg', { kty: 'RSA', alg: 'RS256' }, 'PS256', false],
    ['symmetric key', { kty: 'oct' }, 'ES256', false],
  ])('%s', (_name, key, alg, fits) => {
    expect(keyFitsAlgorithm(key, alg as never)).toBe(fits);
  });
});
