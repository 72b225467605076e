import { DEVICE_REQUEST_TYP, deviceRequestProblem, type DeviceRequestExpectation } from './device-request-claims.js';

const NOW = 1_800_000_000;
const CLIENT = 'https://apps.example.com/AAAAAAAAAAAAAAAAAAAAAA/client.json';
const EXPECTED: DeviceRequestExpectation = {
  clientId: CLIENT,
  audience: 'https://apps.example.com',
  method: 'DELETE',
  url: 'https://apps.example.com/v1/installs/AAAAAAAAAAAAAAAAAAAAAA',
  kid: 'current-kid',
  nowSeconds: NOW,
};
const HEADER = { alg: 'ES256', typ: DEVICE_REQUEST_TYP, kid: 'current-kid' };
const CLAIMS = { iss: CLIENT, sub: CLIENT, aud: 'https://apps.example.com', iat: NOW, exp: NOW + 120, jti: 'a-fresh-jti-value-0001', htm: 'DELETE', htu: EXPECTED.url };

describe('deviceRequestProblem', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['the reference request', {}, {}],
    ['aud as a one-element array', {}, { aud: ['https://apps.example.com'] }],
    ['no kid header', { kid: undefined }, {}],
    ['exp at the 300 s cap, with 30 s skew', {}, { exp: NOW + 330 }],
    ['a just-expired exp within skew', {}, { exp: NOW - 29 }],
    ['iat slightly ahead (skew)', {}, { iat: NOW + 20 }],
  ])('accepts %s', (_name, header, claims) => {
    expect(deviceRequestProblem({ ...HEADER, ...header }, { ...CLAIMS, ...claims }, EXPECTED)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, RegExp]>([
    ['no typ', { typ: undefined }, {}, /typ/],
    ['a client assertion typ', { typ: 'client-authentication+jwt' }, {}, /typ/],
    ['another alg', { alg: 'ES384' }, {}, /alg/],
    ['a retired kid', { kid: 'old-kid' }, {}, /kid/],
    ['crit', { crit: ['x'] }, {}, /crit/],
    ['another iss', {}, { iss: 'https://apps.example.com/BBBB/client.json' }, /iss and sub/],
    ['sub missing', {}, { sub: undefined }, /iss and sub/],
    ['another aud', {}, { aud: 'https://other.example' }, /aud/],
    ['two audiences', {}, { aud: ['https://apps.example.com', 'https://other.example'] }, /aud/],
    ['no exp', {}, { exp: undefined }, /exp and iat/],
    ['no iat', {}, { iat: undefined }, /exp and iat/],
    ['expired', {}, { exp: NOW - 31 }, /expired/],
    ['exp an hour ahead', {}, { exp: NOW + 3600 }, /ahead/],
    ['iat in the future', {}, { iat: NOW + 60 }, /future/],
    ['iat too old', {}, { iat: NOW - 400, exp: NOW + 10 }, /too old/],
    ['nbf in the future', {}, { nbf: NOW + 120 }, /nbf/],
    ['no jti', {}, { jti: undefined }, /jti/],
    ['a short jti', {}, { jti: 'abc' }, /jti/],
    ['another method', {}, { htm: 'POST' }, /htm/],
    ['another URL', {}, { htu: `${EXPECTED.url}/keys` }, /htu/],
  ])('refuses %s', (_name, header, claims, problem) => {
    expect(deviceRequestProblem({ ...HEADER, ...header }, { ...CLAIMS, ...claims }, EXPECTED)).toMatch(problem);
  });
});
