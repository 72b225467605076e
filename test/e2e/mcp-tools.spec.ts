import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FakeClock } from '../../src/common/clock/clock.js';
import { mintAccessToken, READ_SCOPE, WRITE_SCOPE } from '../support/access-tokens.js';
import { startTestSystem, type TestSystem } from '../support/test-system.js';

interface Seen {
  readonly method: string;
  readonly status: number;
  readonly wwwAuthenticate: string | null;
}

interface ToolResult {
  readonly isError?: boolean;
  readonly content: Array<{ type: string; text: string }>;
  readonly structuredContent?: Record<string, unknown>;
}

interface TicketView {
  id: string;
  title: string;
  body: string;
  status: 'open' | 'closed';
  resolution: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

const MAX_TICKETS = 10;

describe('MCP tools through the official MCP SDK client', () => {
  const clock = new FakeClock(Date.now());
  let system: TestSystem;
  let mcp: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['authorization-server', 'mcp-resource'], clock, env: { MCP_MAX_TICKETS_PER_USER: String(MAX_TICKETS) } });
    mcp = system.url['mcp-resource'];
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await system.stop();
  });

  /** An SDK client with a fixed bearer token (what a client holds after the OAuth flow). */
  async function connect(claims: Record<string, unknown> = {}): Promise<{ client: Client; seen: Seen[]; token: string }> {
    const token = await mintAccessToken(system, { claims });
    const seen: Seen[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(`${mcp}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        seen.push({ method: init?.method ?? 'GET', status: response.status, wwwAuthenticate: response.headers.get('www-authenticate') });
        return response;
      },
    });
    const client = new Client({ name: 'attested-cimd-e2e', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, seen, token };
  }

  const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as unknown as ToolResult;
  const ticketOf = (result: ToolResult) => (result.structuredContent as { ticket: TicketView }).ticket;
  const storedCount = async (sub: string) =>
    (await system.database.dataSource.query('SELECT count(*)::int AS n FROM mcp_tickets WHERE owner_sub = $1', [sub]))[0].n as number;

  it('initializes, and lists the four tools with their input schemas and hints', async () => {
    const { client, seen } = await connect({ sub: 'user-list' });
    expect(client.getServerVersion()).toMatchObject({ name: 'attested-cimd-ticket-desk' });
    expect(client.getInstructions()).toMatch(/mcp:tickets:write/);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => [tool.name, tool.annotations?.readOnlyHint])).toEqual([
      ['list_tickets', true],
      ['get_ticket', true],
      ['create_ticket', false],
      ['close_ticket', false],
    ]);
    const create = tools.find((tool) => tool.name === 'create_ticket')!;
    expect(create.inputSchema.required).toEqual(['title']);
    expect(create.inputSchema.properties).toMatchObject({ title: { type: 'string', maxLength: 200, minLength: 1 }, body: { maxLength: 4000 } });
    expect(tools.every((tool) => tool.outputSchema)).toBe(true);
    // The SDK client probes GET for a server-sent stream; the server offers none (405) and the client carries on.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.filter((entry) => entry.method === 'GET').map((entry) => entry.status)).toEqual([405]);
  });

  it('creates, reads, lists and closes a ticket', async () => {
    const { client } = await connect({ sub: 'user-alice' });
    const created = await call(client, 'create_ticket', { title: '  Printer on fire  ', body: 'Third floor.\nSmoke visible.' });
    expect(created.isError).toBeUndefined();
    const ticket = ticketOf(created);
    expect(ticket).toMatchObject({ title: 'Printer on fire', body: 'Third floor.\nSmoke visible.', status: 'open', resolution: null, closed_at: null });
    expect(JSON.parse(created.content[0].text)).toEqual(created.structuredContent);

    expect(ticketOf(await call(client, 'get_ticket', { id: ticket.id }))).toEqual(ticket);
    const listed = (await call(client, 'list_tickets')).structuredContent as { tickets: TicketView[]; next_cursor: string | null };
    expect(listed).toEqual({ tickets: [ticket], next_cursor: null });

    const closed = ticketOf(await call(client, 'close_ticket', { id: ticket.id, resolution: 'Extinguished.' }));
    expect(closed).toMatchObject({ id: ticket.id, status: 'closed', resolution: 'Extinguished.' });
    expect(closed.closed_at).not.toBeNull();
    const again = await call(client, 'close_ticket', { id: ticket.id });
    expect(again).toEqual({ isError: true, content: [{ type: 'text', text: 'The ticket is already closed.' }] });
    expect(((await call(client, 'list_tickets', { status: 'open' })).structuredContent as { tickets: unknown[] }).tickets).toEqual([]);
    expect(((await call(client, 'list_tickets', { status: 'closed' })).structuredContent as { tickets: TicketView[] }).tickets[0].id).toBe(ticket.id);
  });

  it("keeps users apart: another user's ticket is 'not found', never shown, never changed", async () => {
    const alice = (await connect({ sub: 'user-alice-2' })).client;
    const bob = (await connect({ sub: 'user-bob' })).client;
    const ticket = ticketOf(await call(alice, 'create_ticket', { title: 'Salary review' }));
    const notFound = { isError: true, content: [{ type: 'text', text: 'Ticket not found.' }] };
    expect(await call(bob, 'get_ticket', { id: ticket.id })).toEqual(notFound);
    expect(await call(bob, 'close_ticket', { id: ticket.id })).toEqual(notFound);
    expect(await call(bob, 'get_ticket', { id: '0f8b3c1e-2d4a-4b5c-9d6e-7f8a9b0c1d2e' })).toEqual(notFound);
    expect(((await call(bob, 'list_tickets')).structuredContent as { tickets: unknown[] }).tickets).toEqual([]);
    expect(ticketOf(await call(alice, 'get_ticket', { id: ticket.id })).status).toBe('open');
  });

  it('pages through tickets newest first with an opaque cursor, and filters by status', async () => {
    const { client } = await connect({ sub: 'user-pager' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(ticketOf(await call(client, 'create_ticket', { title: `Ticket ${i}` })).id);
      clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await call(client, 'list_tickets', { limit: 2, ...(cursor ? { cursor } : {}) })).structuredContent as {
        tickets: TicketView[];
        next_cursor: string | null;
      };
      seen.push(...page.tickets.map((ticket) => ticket.id));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it.each([
    ['an empty title', 'create_ticket', { title: '' }, /title must not be empty/],
    ['a blank title', 'create_ticket', { title: '   ' }, /title must not be empty/],
    ['a 201-character title', 'create_ticket', { title: 'x'.repeat(201) }, /title must be at most 200 characters/],
    ['a two-line title', 'create_ticket', { title: 'one\nline' }, /title must be a single line/],
    ['a 4001-character body', 'create_ticket', { title: 'ok', body: 'x'.repeat(4001) }, /body must be at most 4000 characters/],
    ['a control character in the body', 'create_ticket', { title: 'ok', body: 'bell\u0007' }, /body must not contain control characters/],
    ['no title', 'create_ticket', {}, /title/],
    ['a numeric title', 'create_ticket', { title: 42 }, /title/],
    ['an id that is not a UUID', 'get_ticket', { id: 'ticket-1' }, /id must be a ticket id/],
    ['SQL as an id', 'close_ticket', { id: "1' OR '1'='1" }, /id must be a ticket id/],
    ['a 1001-character resolution', 'close_ticket', { id: '0f8b3c1e-2d4a-4b5c-9d6e-7f8a9b0c1d2e', resolution: 'x'.repeat(1001) }, /resolution must be at most 1000 characters/],
    ['a page of 0', 'list_tickets', { limit: 0 }, /limit/],
    ['a page of 51', 'list_tickets', { limit: 51 }, /limit/],
    ['an unknown status', 'list_tickets', { status: 'deleted' }, /status/],
    ['a forged cursor', 'list_tickets', { cursor: 'bm90IGEgY3Vyc29y' }, /cursor is not a next_cursor returned by list_tickets/],
  ])('refuses %s (%s) with a tool error saying what is wrong, storing nothing', async (_, name, args, message) => {
    const { client } = await connect({ sub: 'user-bad-input' });
    const result = await call(client, name, args);
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(message);
    expect(await storedCount('user-bad-input')).toBe(0);
  });

  it('answers an unknown tool with a tool error', async () => {
    const { client } = await connect({ sub: 'user-unknown-tool' });
    const result = await call(client, 'drop_tables');
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/Tool drop_tables not found/);
  });

  it('caps the tickets one user keeps, also under concurrent creates', async () => {
    const { client } = await connect({ sub: 'user-prolific' });
    const results = await Promise.all(Array.from({ length: MAX_TICKETS + 5 }, (_, i) => call(client, 'create_ticket', { title: `Spam ${i}` })));
    expect(results.filter((result) => !result.isError)).toHaveLength(MAX_TICKETS);
    expect(results.find((result) => result.isError)?.content[0].text).toBe(`You already have ${MAX_TICKETS} tickets, the most one user may keep.`);
    expect(await storedCount('user-prolific')).toBe(MAX_TICKETS);
  });

  it('refuses create_ticket to a read-only token with HTTP 403 and the step-up challenge, and lets it read', async () => {
    const { client, seen } = await connect({ sub: 'user-reader', scope: READ_SCOPE });
    expect((await call(client, 'list_tickets')).isError).toBeUndefined();
    const refused = await call(client, 'create_ticket', { title: 'Let me in' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(403);
    const challenge = seen.find((entry) => entry.status === 403)?.wwwAuthenticate;
    expect(challenge).toBe(
      `Bearer error="insufficient_scope", error_description="The access token lacks the scope this operation needs: ${WRITE_SCOPE}.", ` +
        `resource_metadata="${mcp}/.well-known/oauth-protected-resource/mcp", scope="${READ_SCOPE} ${WRITE_SCOPE}"`,
    );
    expect(await storedCount('user-reader')).toBe(0);
  });

  it('stops serving a client whose token expires mid-session (401 on the next request)', async () => {
    const { client } = await connect({ sub: 'user-expiring' });
    expect((await client.listTools()).tools).toHaveLength(4);
    clock.advanceSeconds(300 + system.config.mcpResource.clockSkewSeconds);
    const failure = await client.listTools().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StreamableHTTPError);
    expect((failure as StreamableHTTPError).code).toBe(401);
  });

  it('never writes a token into the log', async () => {
    const { client, token } = await connect({ sub: 'user-logged' });
    await call(client, 'create_ticket', { title: 'Log check' });
    await fetch(`${mcp}/mcp?access_token=${token}`, { method: 'POST' });
    expect(system.logs.lines.some((line) => line.includes(token.split('.')[2]))).toBe(false);
  });
});
