import { z } from 'zod';
import type { TicketEntity } from '../ticket.entity.js';

export const TITLE_MAX = 200;
export const BODY_MAX = 4000;
export const RESOLUTION_MAX = 1000;
export const PAGE_MAX = 50;
export const PAGE_DEFAULT = 20;

// One line: no control characters. Multi-line text: tabs and line breaks only.
const ONE_LINE = /^[^\p{Cc}]*$/u;
const MULTI_LINE = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

export const ticketId = z.uuid({ error: 'id must be a ticket id (a UUID) as returned by create_ticket or list_tickets' });

export const ticketTitle = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  .max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
  .regex(ONE_LINE, 'title must be a single line without control characters');

export const multiLineText = (field: string, max: number) =>
  z
    .string()
    .max(max, `${field} must be at most ${max} characters`)
    .regex(MULTI_LINE, `${field} must not contain control characters other than tabs and line breaks`);

export const ticketShape = {
  id: z.string().describe('Ticket id (UUID)'),
  title: z.string(),
  body: z.string(),
  status: z.enum(['open', 'closed']),
  resolution: z.string().nullable(),
  created_at: z.string().describe('ISO 8601 instant'),
  updated_at: z.string().describe('ISO 8601 instant'),
  closed_at: z.string().nullable().describe('ISO 8601 instant, or null while open'),
};

export type TicketView = z.infer<z.ZodObject<typeof ticketShape>>;

/** The wire form of a ticket: snake_case, instants as ISO strings; owner and client stay private. */
export function ticketView(ticket: TicketEntity): TicketView {
  return {
    id: ticket.id,
    title: ticket.title,
    body: ticket.body,
    status: ticket.status,
    resolution: ticket.resolution,
    created_at: ticket.createdAt.toISOString(),
    updated_at: ticket.updatedAt.toISOString(),
    closed_at: ticket.closedAt ? ticket.closedAt.toISOString() : null,
  };
}

/** The same text for "absent" and "another user's": a ticket of someone else must not be confirmed to exist. */
export const TICKET_NOT_FOUND = 'Ticket not found.';
