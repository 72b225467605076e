import { generateKeyPairSync } from 'node:crypto';
import { checkAuthorizationServerMetadata, parseJwks } from './authorization-server-documents.js';

const EC = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const OKP = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const RSA_2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const RSA_1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });

describe('checkAuthorizationServerMetadata (RFC 8414 section 3.3)', () => {
  const issuer = 'https://as.example.com';

  it('takes jwks_uri from metadata whose issuer is exactly the trusted one', () => {
    expect(checkAuthorizationServerMetadata({ issuer, jwks_uri: `${issuer}/jwks` }, issuer)).toEqual({ ok: true, value: { jwksUri: `${issuer}/jwks` } });
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.example.com', jwks_uri: 'https://evil.example.com/jwks' }],
    ['the issuer with a trailing slash', { issuer: `${issuer}/`, jwks_uri: `${issuer}/jwks` }],
    ['no jwks_uri', { issuer }],
    ['a non-string jwks_uri', { issuer, jwks_uri: ['x'] }],
    ['not an object', 'metadata'],
  ])('refuses metadata with %s', (_, document) => {
    expect(checkAuthorizationServerMetadata(document, issuer).ok).toBe(false);
  });
});

describe('parseJwks (RFC 7517 section 5)', () => {
  it('keeps signature keys with the algorithms each may verify', () => {
    const result = parseJwks({
      keys: [
        { ...EC, kid: 'ec', alg: 'ES256', use: 'sig' },
        { ...EC, kid: 'ec-no-alg' },
        { ...OKP, kid: 'ed', alg: 'EdDSA' },
        { ...RSA_2048, kid: 'rsa' },
        { ...RSA_2048, kid: 'rsa-ps', alg: 'PS256', key_ops: ['verify'] },
      ],
    });
    expect(result.ok && result.value.keys.map((key) => [key.kid, key.algorithms])).toEqual([
      ['ec', ['ES256']],
      ['ec-no-alg', ['ES256']],
      ['ed', ['EdDSA']],
      ['rsa', ['RS256', 'PS256']],
      ['rsa-ps', ['PS256']],
    ]);
    expect(result.ok && result.value.skipped).toEqual([]);
  });

  it.each([
    ['no kid', { ...EC }, /no kid/],
    ['an encryption key', { ...EC, kid: 'k', use: 'enc' }, /use enc/],
    ['key_ops without verify', { ...EC, kid: 'k', key_ops: ['encrypt'] }, /key_ops/],
    ['a private key', { ...EC, kid: 'k', d: 'secret' }, /private/],
    ['a symmetric key', { kty: 'oct', kid: 'k', k: 'c2VjcmV0' }, /private or symmetric/],
    ['an HMAC alg', { ...EC, kid: 'k', alg: 'HS256' }, /alg HS256/],
    ['alg none', { ...EC, kid: 'k', alg: 'none' }, /alg none/],
    ['a P-384 key without alg', { kty: 'EC', crv: 'P-384', kid: 'k', x: 'a', y: 'b' }, /EC\/P-384/],
    ['a 1024-bit RSA key', { ...RSA_1024, kid: 'k' }, /2048/],
  ])('skips an entry with %s', (_, entry, reason) => {
    const result = parseJwks({ keys: [entry] });
    expect(result.ok && result.value.keys).toEqual([]);
    expect(result.ok && result.value.skipped[0]).toMatch(reason);
  });

  it('skips both keys of a duplicated kid rather than guess which one signs', () => {
    const result = parseJwks({ keys: [{ ...EC, kid: 'same' }, { ...OKP, kid: 'same' }, { ...OKP, kid: 'other' }] });
    expect(result.ok && result.value.keys.map((key) => key.kid)).toEqual(['other']);
    expect(result.ok && result.value.skipped).toHaveLength(2);
  });

  it.each([
    ['no keys array', { keys: 'x' }],
    ['not an object', []],
    ['more than 32 keys', { keys: Array.from({ length: 33 }, (_, i) => ({ ...EC, kid: `k${i}` })) }],
  ])('refuses a document with %s', (_, document) => {
    expect(parseJwks(document).ok).toBe(false);
  });
});
