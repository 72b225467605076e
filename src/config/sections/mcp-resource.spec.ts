import { loadConfig } from '../app-config.js';

/** Production settings for a deployment running only the MCP server role. */
const mcpInProduction = (extra: Record<string, string> = {}) => ({
  MODE: 'production',
  ROLES: 'mcp-resource',
  MCP_PUBLIC_URL: 'https://mcp.example.com',
  AS_ISSUER: 'https://as.example.com',
  ...extra,
});

describe('MCP server settings', () => {
  it('defaults the resource to <MCP_PUBLIC_URL>/mcp and trusts the AS issuer, agreeing with the AS', () => {
    const config = loadConfig({});
    expect(config.mcpResource.resource).toBe('http://localhost:3200/mcp');
    expect(config.mcpResource.resource).toBe(config.authorizationServer.resources[0].resource);
    expect(config.mcpResource.authorizationServerIssuer).toBe(config.authorizationServer.issuer);
    expect(config.mcpResource.allowedOrigins).toEqual(['http://localhost:3200']);
    expect(config.mcpResource.allowLoopbackOrigins).toBe(true);
    expect(config.mcpResource).toMatchObject({ jwksCacheSeconds: 300, jwksRefetchIntervalSeconds: 30, clockSkewSeconds: 30, maxTicketsPerUser: 1000 });
  });

  it('uses one MCP_RESOURCE for both the AS default resource and the MCP server', () => {
    const config = loadConfig({ MCP_RESOURCE: 'http://localhost:3200/tickets' });
    expect(config.mcpResource.resource).toBe('http://localhost:3200/tickets');
    expect(config.authorizationServer.resources[0].resource).toBe('http://localhost:3200/tickets');
  });

  it('follows AS_ISSUER unless MCP_AS_ISSUER names another issuer', () => {
    expect(loadConfig({ AS_ISSUER: 'http://localhost:4000' }).mcpResource.authorizationServerIssuer).toBe('http://localhost:4000');
    const external = loadConfig({ ROLES: 'mcp-resource', MCP_AS_ISSUER: 'https://login.example.com' });
    expect(external.mcpResource.authorizationServerIssuer).toBe('https://login.example.com');
  });

  it('adds the resource origin to the allowed origins, and reads an explicit list', () => {
    expect(loadConfig({ MCP_RESOURCE: 'http://127.0.0.1:3200/mcp' }).mcpResource.allowedOrigins).toEqual([
      'http://localhost:3200',
      'http://127.0.0.1:3200',
    ]);
    expect(loadConfig({ MCP_ALLOWED_ORIGINS: 'https://a.example,https://b.example:8443' }).mcpResource.allowedOrigins).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
  });

  it.each([
    ['MCP_RESOURCE', 'http://localhost:3200/mcp/', /^MCP_RESOURCE must be an absolute http\(s\) URL in canonical form/],
    ['MCP_RESOURCE', 'http://localhost:3200/mcp#x', /^MCP_RESOURCE must be/],
    ['MCP_RESOURCE', 'HTTP://LOCALHOST:3200/mcp', /^MCP_RESOURCE must be/],
    ['MCP_AS_ISSUER', 'http://localhost:3000/', /^MCP_AS_ISSUER must be/],
    ['AS_ISSUER', 'http://localhost:3000/', /^AS_ISSUER must be/],
    ['MCP_ALLOWED_ORIGINS', 'https://a.example/path', /^MCP_ALLOWED_ORIGINS must be a list of origins/],
    ['MCP_ALLOWED_ORIGINS', 'HTTPS://A.EXAMPLE', /^MCP_ALLOWED_ORIGINS must be a list of origins/],
    ['MCP_ALLOWED_ORIGINS', '*', /^MCP_ALLOWED_ORIGINS must be a list of origins/],
    ['MCP_CLOCK_SKEW', '10m', /^MCP_CLOCK_SKEW must be a duration from 0s to 300s/],
    ['MCP_JWKS_REFETCH_INTERVAL', '0', /^MCP_JWKS_REFETCH_INTERVAL must be a duration from 1s/],
    ['MCP_AS_FETCH_MAX_BYTES', '10', /^MCP_AS_FETCH_MAX_BYTES must be a size/],
    ['MCP_MAX_TICKETS_PER_USER', '0', /^MCP_MAX_TICKETS_PER_USER must be an integer/],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('requires https for the resource, the trusted issuer and the allowed origins in production, and no loopback origins', () => {
    expect(loadConfig(mcpInProduction()).mcpResource).toMatchObject({
      resource: 'https://mcp.example.com/mcp',
      authorizationServerIssuer: 'https://as.example.com',
      allowLoopbackOrigins: false,
    });
    expect(() => loadConfig(mcpInProduction({ MCP_RESOURCE: 'http://mcp.example.com/mcp' }))).toThrow(/^MCP_RESOURCE must be an https URL/);
    expect(() => loadConfig(mcpInProduction({ MCP_AS_ISSUER: 'http://as.example.com' }))).toThrow(/^MCP_AS_ISSUER must be an https URL/);
    expect(() => loadConfig(mcpInProduction({ AS_ISSUER: 'http://as.example.com' }))).toThrow(/^AS_ISSUER must be an https URL/);
    expect(() => loadConfig(mcpInProduction({ MCP_ALLOWED_ORIGINS: 'http://app.example.com' }))).toThrow(/^MCP_ALLOWED_ORIGINS must be an https URL/);
    expect(() => loadConfig(mcpInProduction({ MCP_ALLOW_LOOPBACK_ORIGINS: 'true' }))).toThrow(
      'MCP_ALLOW_LOOPBACK_ORIGINS is a development-only switch and MODE=production refuses to start with it on',
    );
  });
});
