import { ProtocolError } from '../errors/protocol-error.js';
import { bodyParserError } from './body-parsers.js';

describe('bodyParserError', () => {
  const failure = (type: string, status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(`${type} (raw)`), { type, status, ...extra });

  it('maps body-parser failures to invalid_request with the status the body deserves', () => {
    const tooLarge = bodyParserError(failure('entity.too.large', 413, { limit: 65536 }));
    expect(tooLarge).toBeInstanceOf(ProtocolError);
    expect(tooLarge?.status).toBe(413);
    expect(tooLarge?.toJSON()).toEqual({ error: 'invalid_request', error_description: 'The request body is larger than 65536 bytes.' });
    expect(bodyParserError(failure('charset.unsupported', 415))?.status).toBe(415);
    expect(bodyParserError(failure('parameters.too.many', 413))?.description).toBe('The request has too many parameters.');
    expect(bodyParserError(failure('request.aborted', 400))?.description).toBe('The request body could not be read.');
    // The parser's own message stays in the detail for the log, never in the answer.
    expect(bodyParserError(failure('entity.parse.failed', 400))?.detail).toBe('entity.parse.failed (raw)');
  });

  it('leaves every other error alone', () => {
    expect(bodyParserError(new Error('boom'))).toBeUndefined();
    expect(bodyParserError(Object.assign(new Error('no status'), { type: 'entity.too.large' }))).toBeUndefined();
    expect(bodyParserError(undefined)).toBeUndefined();
  });
});
