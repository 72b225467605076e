import { assertAcceptableJson, JsonRefusedError } from './json-guard.js';

describe('JSON body guard', () => {
  const check = (text: string, limit?: number) => () => assertAcceptableJson(Buffer.from(text), limit);

  it('accepts ordinary documents, and brackets inside strings', () => {
    expect(check('{"a":[1,{"b":[]}],"s":"[[[[{{{{"}')).not.toThrow();
    expect(check('"\\"[[[["', 1)).not.toThrow();
    expect(check('[[[]]]', 3)).not.toThrow();
  });

  it('refuses nesting beyond the limit before anything parses it', () => {
    expect(check('[[[[]]]]', 3)).toThrow(JsonRefusedError);
    expect(check('['.repeat(20_000) + ']'.repeat(20_000))).toThrow(JsonRefusedError);
    expect(check(`{"a":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`)).toThrow(JsonRefusedError);
  });

  it('refuses NUL characters, raw or escaped', () => {
    expect(check('{"a":"\\u0000"}')).toThrow('NUL');
    expect(check('{"a":"x\u0000"}')).toThrow(JsonRefusedError);
  });
});
