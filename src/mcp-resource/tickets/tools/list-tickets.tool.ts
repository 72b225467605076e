import { z } from 'zod';
import { decodeTicketCursor, encodeTicketCursor } from '../ticket-cursor.js';
import { TICKETS_READ } from '../ticket-scopes.js';
import { PAGE_DEFAULT, PAGE_MAX, ticketShape, ticketView } from './ticket-schemas.js';
import { refuse, type TicketTool } from './ticket-tool.js';

const inputSchema = {
  status: z.enum(['open', 'closed', 'all']).default('all').describe('Which tickets to list (default all)'),
  limit: z.number().int().min(1).max(PAGE_MAX).default(PAGE_DEFAULT).describe(`Tickets per page, 1 to ${PAGE_MAX} (default ${PAGE_DEFAULT})`),
  cursor: z.string().max(128).optional().describe('next_cursor from the previous page'),
};

const outputSchema = {
  tickets: z.array(z.object(ticketShape)),
  next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last page'),
};

/** list_tickets: the caller's tickets, newest first, one bounded page at a time. */
export const listTicketsTool: TicketTool<typeof inputSchema, typeof outputSchema> = {
  name: 'list_tickets',
  title: 'List tickets',
  description: 'Lists your tickets, newest first, a page at a time. Filter by status; follow next_cursor for more.',
  requiredScopes: [TICKETS_READ],
  annotations: { readOnlyHint: true, openWorldHint: false },
  inputSchema,
  outputSchema,
  async run(input, { principal, tickets }) {
    const after = input.cursor === undefined ? undefined : decodeTicketCursor(input.cursor);
    if (input.cursor !== undefined && !after) return refuse('cursor is not a next_cursor returned by list_tickets.');
    const page = await tickets.list(principal.subject, {
      status: input.status === 'all' ? undefined : input.status,
      limit: input.limit,
      after,
    });
    return { ok: true, value: { tickets: page.tickets.map(ticketView), next_cursor: page.next ? encodeTicketCursor(page.next) : null } };
  },
};
