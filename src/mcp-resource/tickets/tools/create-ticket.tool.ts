import { z } from 'zod';
import { TICKETS_WRITE } from '../ticket-scopes.js';
import { BODY_MAX, multiLineText, ticketShape, ticketTitle, ticketView } from './ticket-schemas.js';
import { refuse, type TicketTool } from './ticket-tool.js';

const inputSchema = {
  title: ticketTitle.describe('A one-line summary'),
  body: multiLineText('body', BODY_MAX).default('').describe('Details (optional)'),
};
const outputSchema = { ticket: z.object(ticketShape) };

/** create_ticket: opens a ticket owned by the caller. */
export const createTicketTool: TicketTool<typeof inputSchema, typeof outputSchema> = {
  name: 'create_ticket',
  title: 'Create a ticket',
  description: 'Opens a new ticket with a title and an optional body.',
  requiredScopes: [TICKETS_WRITE],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  inputSchema,
  outputSchema,
  async run(input, { principal, tickets, clock, maxTicketsPerUser, logger }) {
    const ticket = await tickets.create({
      ownerSub: principal.subject,
      clientId: principal.clientId,
      title: input.title,
      body: input.body,
      now: clock.now(),
      limit: maxTicketsPerUser,
    });
    if (!ticket) return refuse(`You already have ${maxTicketsPerUser} tickets, the most one user may keep.`);
    logger.info('ticket created', { ticket: ticket.id, sub: principal.subject, client: principal.clientId });
    return { ok: true, value: { ticket: ticketView(ticket) } };
  },
};
