import { z } from 'zod';
import { TICKETS_WRITE } from '../ticket-scopes.js';
import { multiLineText, RESOLUTION_MAX, TICKET_NOT_FOUND, ticketId, ticketShape, ticketView } from './ticket-schemas.js';
import { refuse, type TicketTool } from './ticket-tool.js';

const inputSchema = {
  id: ticketId.describe('The ticket id'),
  resolution: multiLineText('resolution', RESOLUTION_MAX).optional().describe('How it was resolved (optional)'),
};
const outputSchema = { ticket: z.object(ticketShape) };

/** close_ticket: closes one of the caller's open tickets. */
export const closeTicketTool: TicketTool<typeof inputSchema, typeof outputSchema> = {
  name: 'close_ticket',
  title: 'Close a ticket',
  description: 'Closes one of your open tickets, optionally recording a resolution.',
  requiredScopes: [TICKETS_WRITE],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  inputSchema,
  outputSchema,
  async run(input, { principal, tickets, clock, logger }) {
    const result = await tickets.close(principal.subject, input.id, input.resolution ?? null, clock.now());
    if ('refused' in result) return refuse(result.refused === 'not_found' ? TICKET_NOT_FOUND : 'The ticket is already closed.');
    logger.info('ticket closed', { ticket: input.id, sub: principal.subject, client: principal.clientId });
    return { ok: true, value: { ticket: ticketView(result.closed) } };
  },
};
