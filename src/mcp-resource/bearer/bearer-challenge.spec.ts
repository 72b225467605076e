import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';
import { bearerChallenge, insufficientScope, invalidToken, missingToken } from './bearer-challenge.js';

const CONTEXT = { resourceMetadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp', scopes: ['mcp:tickets:read'] };

describe('bearer challenges (RFC 6750 section 3, RFC 9728 section 5.1)', () => {
  it('names the metadata and the scopes when no token was sent, with no error code', () => {
    expect(bearerChallenge(CONTEXT)).toBe(
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp:tickets:read"',
    );
    const error = missingToken(CONTEXT, 'no header');
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toBe(bearerChallenge(CONTEXT));
  });

  it('adds error and error_description for an invalid token', () => {
    expect(invalidToken(CONTEXT, 'expired').headers['WWW-Authenticate']).toBe(
      'Bearer error="invalid_token", error_description="The access token is invalid or expired.", ' +
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp:tickets:read"',
    );
  });

  it('is parsed by the official MCP SDK client as the step-up signal', () => {
    const error = insufficientScope({ ...CONTEXT, scopes: ['mcp:tickets:read', 'mcp:tickets:write'] }, ['mcp:tickets:write']);
    expect(error.status).toBe(403);
    const parsed = extractWWWAuthenticateParams(new Response(null, { headers: error.headers }));
    expect(parsed).toEqual({
      error: 'insufficient_scope',
      scope: 'mcp:tickets:read mcp:tickets:write',
      resourceMetadataUrl: new URL(CONTEXT.resourceMetadata),
    });
  });

  it('refuses to write a character RFC 6750 forbids in a parameter', () => {
    expect(() => bearerChallenge({ ...CONTEXT, scopes: ['a"b'] })).toThrow(/does not allow/);
  });
});
