import { protectedResourceMetadata, protectedResourceMetadataUrl } from './protected-resource-metadata.js';

describe('protected resource metadata (RFC 9728)', () => {
  it.each([
    ['https://mcp.example.com/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com/mcp/', 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com/tenant/a/mcp', 'https://mcp.example.com/.well-known/oauth-protected-resource/tenant/a/mcp'],
    ['https://mcp.example.com:8443/mcp', 'https://mcp.example.com:8443/.well-known/oauth-protected-resource/mcp'],
    ['https://mcp.example.com', 'https://mcp.example.com/.well-known/oauth-protected-resource'],
    ['http://127.0.0.1:3200/mcp', 'http://127.0.0.1:3200/.well-known/oauth-protected-resource/mcp'],
  ])('inserts the well-known path between host and path (section 3.1): %s', (resource, url) => {
    expect(protectedResourceMetadataUrl(resource)).toBe(url);
  });

  it('lists the resource exactly, the AS, the scopes, header-only bearer tokens and the name (section 2)', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: ['https://as.example.com'],
        scopes: ['mcp:tickets:read', 'offline_access', 'mcp:tickets:write'],
        resourceName: 'Tickets',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://as.example.com'],
      scopes_supported: ['mcp:tickets:read', 'mcp:tickets:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Tickets',
    });
  });

  it('omits scopes_supported rather than publish an empty array', () => {
    const document = protectedResourceMetadata({ resource: 'https://r.example', authorizationServers: ['https://as.example'], scopes: [], resourceName: 'R' });
    expect(document).not.toHaveProperty('scopes_supported');
  });
});
