/** The position after the last ticket of a page: tickets are listed newest first by (created_at, id). */
export interface TicketCursor {
  readonly createdAt: Date;
  readonly id: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An opaque page cursor for the client (base64url), carrying the keyset position. */
export function encodeTicketCursor(cursor: TicketCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this server made. */
export function decodeTicketCursor(text: string): TicketCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(text)) return undefined;
  const [instant, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !ISO_INSTANT.test(instant ?? '') || !UUID.test(id ?? '')) return undefined;
  const createdAt = new Date(instant);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== instant) return undefined;
  return { createdAt, id };
}
