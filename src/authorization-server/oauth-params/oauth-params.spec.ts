import { InvalidRequest } from '../oauth-errors/oauth-errors.js';
import { OAuthParams } from './oauth-params.js';

describe('OAuthParams', () => {
  it('reads single values and treats empty values as omitted (RFC 6749 section 3.1)', () => {
    const params = OAuthParams.parse('a=1&b=&c=x%20y');
    expect(params.get('a')).toBe('1');
    expect(params.has('b')).toBe(false);
    expect(params.get('c')).toBe('x y');
  });

  it('refuses a repeated parameter', () => {
    expect(() => OAuthParams.parse('code=1&code=2')).toThrow(InvalidRequest);
    expect(() => OAuthParams.parse('code=1&code=2')).toThrow('The code parameter must not be repeated.');
  });

  it('allows resource to repeat (RFC 8707 section 2)', () => {
    expect(OAuthParams.parse('resource=a&resource=b').getAll('resource')).toEqual(['a', 'b']);
  });

  it('keeps bracketed names literally (no nested objects)', () => {
    expect(OAuthParams.parse('a[b]=1').get('a[b]')).toBe('1');
  });

  it('refuses too many parameters and over-long values', () => {
    expect(() => OAuthParams.parse(Array.from({ length: 65 }, (_, i) => `p${i}=1`).join('&'))).toThrow('too many parameters');
    expect(() => OAuthParams.parse(`state=${'x'.repeat(16 * 1024 + 1)}`)).toThrow('The state parameter is too long.');
  });

  it('accepts only form bodies', () => {
    expect(OAuthParams.fromForm('a=1', 'application/x-www-form-urlencoded; charset=UTF-8').get('a')).toBe('1');
    expect(() => OAuthParams.fromForm({ a: 1 }, 'application/json')).toThrow('must be application/x-www-form-urlencoded');
    expect(() => OAuthParams.fromForm('a=1', undefined)).toThrow(InvalidRequest);
  });

  it('reads the query of a URL', () => {
    expect(OAuthParams.fromUrl('/authorize?client_id=x&state=%F0%9F%98%80').get('state')).toBe('😀');
    expect(OAuthParams.fromUrl('/authorize').names()).toEqual([]);
  });

  it('refuses control characters in names and values (RFC 6749 appendix A)', () => {
    expect(() => OAuthParams.parse('client_id=%00')).toThrow('control characters');
    expect(() => OAuthParams.parse('state=a%0Ab')).toThrow(InvalidRequest);
    expect(() => OAuthParams.parse('a%7F=1')).toThrow(InvalidRequest);
  });
});
