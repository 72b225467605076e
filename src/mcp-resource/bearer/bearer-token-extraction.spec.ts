import { extractBearerToken, type TokenCarriers } from './bearer-token-extraction.js';

const carriers = (change: Partial<TokenCarriers>): TokenCarriers => ({ authorization: [], query: {}, body: undefined, ...change });

describe('extractBearerToken (RFC 6750 section 2, MCP Token Requirements)', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['Bearer   abc-_~+/=', 'abc-_~+/='],
  ])('takes the token from the Authorization header: %s', (header, token) => {
    expect(extractBearerToken(carriers({ authorization: [header] }))).toEqual({ kind: 'token', token });
  });

  it.each([
    ['no Authorization header', carriers({})],
    ['an empty Authorization header', carriers({ authorization: [''] })],
    ['Basic credentials (an unsupported method)', carriers({ authorization: ['Basic dXNlcjpwYXNz'] })],
    ['a DPoP token (not offered here)', carriers({ authorization: ['DPoP abc'] })],
  ])('treats %s as no token (401 with the bare challenge)', (_, input) => {
    expect(extractBearerToken(input).kind).toBe('missing');
  });

  it.each([
    ['a token in the query', carriers({ query: { access_token: 'abc' } })],
    ['a token in the query next to a valid header', carriers({ query: { access_token: 'abc' }, authorization: ['Bearer abc'] })],
    ['an empty access_token query parameter', carriers({ query: { access_token: '' } })],
    ['a token in a form body', carriers({ contentType: 'application/x-www-form-urlencoded', body: 'access_token=abc' })],
    ['a form body token next to the header', carriers({ contentType: 'application/x-www-form-urlencoded; charset=utf-8', body: 'a=1&access_token=abc', authorization: ['Bearer abc'] })],
    ['two Authorization headers', carriers({ authorization: ['Bearer abc', 'Bearer def'] })],
    ['Bearer without a token', carriers({ authorization: ['Bearer'] })],
    ['Bearer with a token that is not a b64token', carriers({ authorization: ['Bearer abc def'] })],
    ['Bearer with a quoted token', carriers({ authorization: ['Bearer "abc"'] })],
  ])('refuses %s with 400 invalid_request', (_, input) => {
    expect(extractBearerToken(input).kind).toBe('invalid_request');
  });

  it('ignores an access_token member of a JSON body (not a token method)', () => {
    expect(extractBearerToken(carriers({ contentType: 'application/json', body: { access_token: 'x' }, authorization: ['Bearer abc'] }))).toEqual({
      kind: 'token',
      token: 'abc',
    });
  });
});
