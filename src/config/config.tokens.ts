/** Injection tokens for the configuration and its sections, so a service asks only for what it uses. */
export const APP_CONFIG = Symbol('AppConfig');
export const SERVER_CONFIG = Symbol('ServerConfig');
export const DATABASE_CONFIG = Symbol('DatabaseConfig');
export const AS_CONFIG = Symbol('AuthorizationServerConfig');
export const BACKEND_CONFIG = Symbol('ClientBackendConfig');
export const MCP_CONFIG = Symbol('McpResourceConfig');
export const RATE_LIMITS_CONFIG = Symbol('RateLimitsConfig');
export const OAUTH_CONFIG = Symbol('OAuthConfig');
export const CIMD_CONFIG = Symbol('CimdConfig');
