import { isAllowedOrigin } from './origin-policy.js';

const PRODUCTION = { allowed: ['https://mcp.example.com', 'https://app.example.com'], allowLoopback: false };
const DEVELOPMENT = { allowed: ['http://localhost:3200'], allowLoopback: true };

describe('isAllowedOrigin (MCP transports, Security Warning)', () => {
  it.each([
    [PRODUCTION, 'https://mcp.example.com'],
    [PRODUCTION, 'https://app.example.com'],
    [DEVELOPMENT, 'http://localhost:3200'],
    [DEVELOPMENT, 'http://localhost:6274'],
    [DEVELOPMENT, 'http://127.0.0.1:9999'],
    [DEVELOPMENT, 'http://[::1]:8080'],
    [DEVELOPMENT, 'https://localhost'],
  ])('allows %j from %s', (policy, origin) => {
    expect(isAllowedOrigin(origin, policy)).toBe(true);
  });

  it.each([
    [PRODUCTION, 'https://evil.example.com'],
    [PRODUCTION, 'https://mcp.example.com.evil.example'],
    [PRODUCTION, 'http://mcp.example.com'],
    [PRODUCTION, 'https://mcp.example.com:8443'],
    [PRODUCTION, 'HTTPS://MCP.EXAMPLE.COM'],
    [PRODUCTION, 'https://mcp.example.com/'],
    [PRODUCTION, 'http://localhost:3200'],
    [PRODUCTION, 'null'],
    [DEVELOPMENT, 'null'],
    [DEVELOPMENT, 'http://localhost.evil.example'],
    [DEVELOPMENT, 'http://127.0.0.2:3000'],
    [DEVELOPMENT, 'http://localhost:3200/path'],
    [DEVELOPMENT, 'file://localhost'],
    [DEVELOPMENT, 'http://192.168.1.10:3200'],
    [DEVELOPMENT, 'not a url'],
  ])('refuses %j from %s', (policy, origin) => {
    expect(isAllowedOrigin(origin, policy)).toBe(false);
  });
});
