import { requiredScopes } from './tool-scope-requirements.js';

const TOOLS = new Map([
  ['list_tickets', ['mcp:tickets:read']],
  ['create_ticket', ['mcp:tickets:write']],
]);
const call = (name: unknown, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe('requiredScopes (per tool call)', () => {
  it.each([
    ['a read tool', call('list_tickets'), ['mcp:tickets:read']],
    ['a write tool', call('create_ticket'), ['mcp:tickets:write']],
    ['every tool of a batch, once each', [call('list_tickets', 1), call('create_ticket', 2), call('create_ticket', 3)], ['mcp:tickets:read', 'mcp:tickets:write']],
    ['initialize', { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }, []],
    ['tools/list', { jsonrpc: '2.0', id: 1, method: 'tools/list' }, []],
    ['a notification', { jsonrpc: '2.0', method: 'notifications/initialized' }, []],
    ['an unknown tool (the server answers "not found")', call('drop_database'), []],
    ['a tool name that is not a string', call(['create_ticket']), []],
    ['a body that is not JSON-RPC', 'hello', []],
    ['no body', undefined, []],
    ['a batch with junk', [null, 3, call('create_ticket')], ['mcp:tickets:write']],
  ])('%s', (_, body, scopes) => {
    expect(requiredScopes(body, TOOLS)).toEqual(scopes);
  });
});
