import { IMPLIED_SCOPES, TICKET_SCOPES } from '../tickets/ticket-scopes.js';
import { effectiveScopes, missingScopes, stepUpScopes, type ScopePolicy } from './scope-policy.js';

const POLICY: ScopePolicy = { known: TICKET_SCOPES, implied: IMPLIED_SCOPES };
const READ = 'mcp:tickets:read';
const WRITE = 'mcp:tickets:write';

describe('scope policy', () => {
  it('lets the broader write scope imply read (MCP 2026-07-28: servers account for scope hierarchies)', () => {
    expect([...effectiveScopes([WRITE], POLICY)].sort()).toEqual([READ, WRITE]);
    expect(missingScopes([WRITE], [READ], POLICY)).toEqual([]);
  });

  it('does not let read imply write', () => {
    expect(missingScopes([READ], [WRITE], POLICY)).toEqual([WRITE]);
  });

  it('finds nothing missing when nothing is required, and everything when nothing is granted', () => {
    expect(missingScopes([], [], POLICY)).toEqual([]);
    expect(missingScopes([], [READ, WRITE, READ], POLICY)).toEqual([READ, WRITE]);
  });

  it('challenges with what is granted here plus what is needed, never with other resources\' scopes', () => {
    expect(stepUpScopes([READ, 'calendar:read', 'offline_access'], [WRITE], POLICY)).toEqual([READ, WRITE]);
    expect(stepUpScopes([], [WRITE], POLICY)).toEqual([WRITE]);
  });

  it('terminates on a cyclic hierarchy', () => {
    const cyclic: ScopePolicy = { known: ['a', 'b'], implied: { a: ['b'], b: ['a'] } };
    expect([...effectiveScopes(['a'], cyclic)].sort()).toEqual(['a', 'b']);
  });
});
