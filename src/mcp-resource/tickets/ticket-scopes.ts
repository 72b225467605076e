/** The scopes of the ticket desk tools. */
export const TICKETS_READ = 'mcp:tickets:read';
export const TICKETS_WRITE = 'mcp:tickets:write';

/** Every scope a tool needs, in the order documents and challenges list them. */
export const TICKET_SCOPES: readonly string[] = [TICKETS_READ, TICKETS_WRITE];

/**
 * What basic use needs: the 401 challenge asks for this, and writing is added by step-up on the first
 * write (MCP security best practices, Scope Minimization).
 */
export const BASELINE_SCOPES: readonly string[] = [TICKETS_READ];

/** A broader scope implies narrower ones: whoever may change tickets may read them. */
export const IMPLIED_SCOPES: Readonly<Record<string, readonly string[]>> = { [TICKETS_WRITE]: [TICKETS_READ] };
