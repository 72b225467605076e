import { z } from 'zod';
import { TICKETS_READ } from '../ticket-scopes.js';
import { TICKET_NOT_FOUND, ticketId, ticketShape, ticketView } from './ticket-schemas.js';
import { refuse, type TicketTool } from './ticket-tool.js';

const inputSchema = { id: ticketId.describe('The ticket id') };
const outputSchema = { ticket: z.object(ticketShape) };

/** get_ticket: one of the caller's tickets; another user's ticket is "not found". */
export const getTicketTool: TicketTool<typeof inputSchema, typeof outputSchema> = {
  name: 'get_ticket',
  title: 'Get a ticket',
  description: 'Returns one of your tickets by id.',
  requiredScopes: [TICKETS_READ],
  annotations: { readOnlyHint: true, openWorldHint: false },
  inputSchema,
  outputSchema,
  async run(input, { principal, tickets }) {
    const ticket = await tickets.find(principal.subject, input.id);
    return ticket ? { ok: true, value: { ticket: ticketView(ticket) } } : refuse(TICKET_NOT_FOUND);
  },
};
