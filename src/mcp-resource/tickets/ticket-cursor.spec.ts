import { decodeTicketCursor, encodeTicketCursor } from './ticket-cursor.js';

const POSITION = { createdAt: new Date('2026-11-22T12:00:00.123Z'), id: '0f8b3c1e-2d4a-4b5c-9d6e-7f8a9b0c1d2e' };

describe('ticket cursors', () => {
  it('round-trips a keyset position through an opaque base64url string', () => {
    const cursor = encodeTicketCursor(POSITION);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTicketCursor(cursor)).toEqual(POSITION);
  });

  const encode = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['an empty string', ''],
    ['not base64url', 'abc$%'],
    ['no separator', encode('2026-11-22T12:00:00.123Z')],
    ['an extra part', encode(`2026-11-22T12:00:00.123Z|${POSITION.id}|x`)],
    ['a bad instant', encode(`2026-13-45T12:00:00.123Z|${POSITION.id}`)],
    ['an instant without milliseconds', encode(`2026-11-22T12:00:00Z|${POSITION.id}`)],
    ['a bad id', encode('2026-11-22T12:00:00.123Z|not-a-uuid')],
    ['SQL in the id', encode("2026-11-22T12:00:00.123Z|' OR 1=1 --")],
    ['an overlong string', 'A'.repeat(129)],
  ])('refuses %s', (_, text) => {
    expect(decodeTicketCursor(text)).toBeUndefined();
  });
});
