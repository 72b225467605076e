import { InvalidRequest } from '../oauth-errors/oauth-errors.js';

/** Parameters that RFC 8707 section 2 allows to appear more than once. */
const MULTI_VALUED = new Set(['resource']);
const MAX_PARAMETERS = 64;
const MAX_VALUE_LENGTH = 16 * 1024;
/** RFC 6749 appendix A: parameter values are printable characters; control characters are never valid. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * OAuth request parameters from a query string or a form body. RFC 6749 section 3.1: parameters sent
 * without a value are treated as omitted, and request and response parameters MUST NOT be included more
 * than once (except `resource`, RFC 8707 section 2).
 */
export class OAuthParams {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static parse(encoded: string): OAuthParams {
    const values = new Map<string, string[]>();
    let count = 0;
    for (const [name, value] of new URLSearchParams(encoded)) {
      count += 1;
      if (count > MAX_PARAMETERS) throw new InvalidRequest('The request has too many parameters.');
      if (value.length > MAX_VALUE_LENGTH) throw new InvalidRequest(`The ${name.slice(0, 40)} parameter is too long.`);
      if (CONTROL.test(name) || CONTROL.test(value)) throw new InvalidRequest('A parameter contains control characters.');
      if (value === '') continue;
      const existing = values.get(name);
      if (existing && !MULTI_VALUED.has(name)) {
        throw new InvalidRequest(`The ${name.slice(0, 40)} parameter must not be repeated.`);
      }
      if (existing) existing.push(value);
      else values.set(name, [value]);
    }
    return new OAuthParams(values);
  }

  /** A form body as delivered by the body parser: the raw string (anything else is not a form). */
  static fromForm(body: unknown, contentType: string | undefined): OAuthParams {
    if (!contentType || !/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      throw new InvalidRequest('The request body must be application/x-www-form-urlencoded.');
    }
    return OAuthParams.parse(typeof body === 'string' ? body : '');
  }

  /** The query string of a request URL (everything after the first `?`). */
  static fromUrl(url: string): OAuthParams {
    const index = url.indexOf('?');
    return OAuthParams.parse(index < 0 ? '' : url.slice(index + 1));
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  getAll(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new InvalidRequest(`The ${name} parameter is required.`);
    return value;
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}
