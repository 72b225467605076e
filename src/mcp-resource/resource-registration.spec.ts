import { loadConfig } from '../config/app-config.js';
import { resourceRegistrationProblem } from './resource-registration.js';
import { TICKET_SCOPES } from './tickets/ticket-scopes.js';

const problem = (env: Record<string, string>) => {
  const config = loadConfig(env);
  return resourceRegistrationProblem(config.mcpResource, config.authorizationServer, TICKET_SCOPES);
};

describe('resourceRegistrationProblem', () => {
  it('finds none with the defaults: the local AS issues both scopes for the default resource', () => {
    expect(problem({})).toBeUndefined();
  });

  it('names a resource the local AS does not know', () => {
    expect(problem({ AS_RESOURCES: JSON.stringify([{ resource: 'http://localhost:3200/other', scopes: TICKET_SCOPES }]) })).toBe(
      'AS_RESOURCES has no entry for MCP_RESOURCE http://localhost:3200/mcp: the AS will issue no token this server accepts',
    );
  });

  it('names the scopes the local AS will never grant for this resource', () => {
    expect(problem({ AS_RESOURCES: JSON.stringify([{ resource: 'http://localhost:3200/mcp', scopes: ['mcp:tickets:read'] }]) })).toMatch(
      /no mcp:tickets:write for http:\/\/localhost:3200\/mcp/,
    );
  });

  it('leaves an MCP server that trusts another AS alone', () => {
    expect(problem({ MCP_AS_ISSUER: 'http://localhost:4000', AS_RESOURCES: JSON.stringify([{ resource: 'http://x.example/r', scopes: ['a'] }]) })).toBeUndefined();
  });
});
