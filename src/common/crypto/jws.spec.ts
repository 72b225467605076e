import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { asKeyObject, decodeJws, JwsInvalid, signJws, verifyJwsSignature, type JwsAlgorithm } from './jws.js';

const pairs: Record<JwsAlgorithm, { publicKey: KeyObject; privateKey: KeyObject }> = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  EdDSA: generateKeyPairSync('ed25519'),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const ALGORITHMS = Object.keys(pairs) as JwsAlgorithm[];
const claims = { iss: 'https://as.example', sub: 'client', jti: 'j1', exp: 2_000_000_000 };
const tamper = (token: string, part: number, change: (segment: string) => string) =>
  token.split('.').map((segment, index) => (index === part ? change(segment) : segment)).join('.');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('compact JWS with node:crypto', () => {
  it.each(ALGORITHMS)('%s: what jose signs verifies here, and what is signed here verifies with jose', async (alg) => {
    const { publicKey, privateKey } = pairs[alg];
    const fromJose = await new SignJWT(claims).setProtectedHeader({ alg }).sign(privateKey);
    expect(verifyJwsSignature(decodeJws(fromJose), alg, publicKey)).toBe(true);
    const ours = signJws({ alg, typ: 'at+jwt' }, claims, privateKey);
    const { payload, protectedHeader } = await jwtVerify(ours, publicKey, { algorithms: [alg], typ: 'at+jwt' });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt' });
  });

  it.each(ALGORITHMS)('%s: refuses a changed payload, a changed signature and another key', (alg) => {
    const token = signJws({ alg }, claims, pairs[alg].privateKey);
    expect(verifyJwsSignature(decodeJws(tamper(token, 1, () => encode({ ...claims, sub: 'attacker' }))), alg, pairs[alg].publicKey)).toBe(false);
    expect(verifyJwsSignature(decodeJws(tamper(token, 2, (s) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1))), alg, pairs[alg].publicKey)).toBe(false);
    const other = alg === 'RS256' ? 'PS256' : 'RS256';
    expect(verifyJwsSignature(decodeJws(token), alg, pairs[other].publicKey)).toBe(false);
  });

  it('verifies only under the algorithm the caller expects, whatever the header says', () => {
    const token = signJws({ alg: 'RS256' }, claims, pairs.RS256.privateKey);
    expect(verifyJwsSignature(decodeJws(token), 'PS256', pairs.RS256.publicKey)).toBe(false);
    const relabelled = tamper(token, 0, () => encode({ alg: 'PS256' }));
    expect(verifyJwsSignature(decodeJws(relabelled), 'PS256', pairs.RS256.publicKey)).toBe(false);
    const none = `${encode({ alg: 'none' })}.${encode(claims)}.`;
    expect(() => decodeJws(none)).toThrow(JwsInvalid);
  });

  it('refuses an ECDSA signature of the wrong length (RFC 7518 section 3.4)', () => {
    const token = signJws({ alg: 'ES256' }, claims, pairs.ES256.privateKey);
    const padded = tamper(token, 2, (s) => Buffer.concat([Buffer.from(s, 'base64url'), Buffer.alloc(1)]).toString('base64url'));
    expect(verifyJwsSignature(decodeJws(padded), 'ES256', pairs.ES256.publicKey)).toBe(false);
  });

  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['a non-base64url character', `${encode({ alg: 'ES256' })}.${encode(claims)}.ab+c`],
    ['a payload that is not JSON', `${encode({ alg: 'ES256' })}.${Buffer.from('nope').toString('base64url')}.abc`],
    ['a payload that is an array', `${encode({ alg: 'ES256' })}.${encode([claims])}.abc`],
    ['a header that is a string', `${encode('ES256')}.${encode(claims)}.abc`],
  ])('refuses %s as malformed', (_name, token) => {
    expect(() => decodeJws(token)).toThrow(JwsInvalid);
  });

  it('converts a WebCrypto key once and signs with it', async () => {
    const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    expect(asKeyObject(privateKey)).toBe(asKeyObject(privateKey));
    const token = signJws({ alg: 'ES256' }, claims, asKeyObject(privateKey));
    expect(decodeJws(token).payload).toEqual(claims);
  });
});
