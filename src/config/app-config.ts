import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { EnvReader, type Mode, type RawSettings } from './env-reader.js';
import {
  checkAuthorizationServerProduction,
  readAuthorizationServerConfig,
  type AuthorizationServerConfig,
} from './sections/authorization-server.js';
import { readCimdConfig, type CimdConfig } from './sections/cimd.js';
import { checkClientBackendConfig, readClientBackendConfig, type ClientBackendConfig } from './sections/client-backend.js';
import { readDatabaseConfig, type DatabaseConfig } from './sections/database.js';
import { checkMcpResourceProduction, readMcpResourceConfig, type McpResourceConfig } from './sections/mcp-resource.js';
import { readOAuthConfig, type OAuthConfig } from './sections/oauth.js';
import { requireHttps } from './sections/listener.js';
import { readRateLimitsConfig, type RateLimitsConfig } from './sections/rate-limits.js';
import { readServerConfig, type ServerConfig } from './sections/server.js';

export interface AppConfig {
  readonly server: ServerConfig;
  readonly database: DatabaseConfig;
  readonly authorizationServer: AuthorizationServerConfig;
  readonly oauth: OAuthConfig;
  readonly clientBackend: ClientBackendConfig;
  readonly mcpResource: McpResourceConfig;
  readonly rateLimits: RateLimitsConfig;
  readonly cimd: CimdConfig;
}

function readConfigFile(path: string): RawSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`CONFIG_FILE must name a readable file (got "${path}")`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`CONFIG_FILE ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`CONFIG_FILE ${path} must hold a JSON object of setting names to values`);
  }
  return parsed as RawSettings;
}

/**
 * Builds the one typed configuration from environment variables, which override the optional JSON
 * CONFIG_FILE (same setting names). Throws ConfigError with a one-line message on the first bad value.
 */
export function loadConfig(environment: Record<string, string | undefined>): AppConfig {
  const file = environment.CONFIG_FILE ? readConfigFile(environment.CONFIG_FILE) : {};
  const settings: RawSettings = { ...file };
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined) settings[name] = value;
  }
  const modeReader = new EnvReader(settings);
  const mode: Mode = modeReader.oneOf('MODE', ['development', 'production'], 'development');
  const env = new EnvReader(settings, mode);
  env.raw('MODE');
  env.raw('CONFIG_FILE');

  const server = readServerConfig(env);
  // Before the AS section, which takes its default resource from MCP_RESOURCE: a bad value is named as such.
  const mcpResource = readMcpResourceConfig(env);
  const config: AppConfig = {
    server,
    database: readDatabaseConfig(env),
    authorizationServer: readAuthorizationServerConfig(env),
    oauth: readOAuthConfig(env),
    clientBackend: readClientBackendConfig(env),
    mcpResource,
    rateLimits: readRateLimitsConfig(env),
    cimd: readCimdConfig(env),
  };
  if (server.roles.includes('client-backend')) checkClientBackendConfig(config.clientBackend);
  if (mode === 'production') {
    if (server.roles.includes('authorization-server')) checkAuthorizationServerProduction(env, config.authorizationServer);
    if (server.roles.includes('client-backend')) requireHttps(env, 'BACKEND_PUBLIC_URL', config.clientBackend.publicUrl);
    if (server.roles.includes('mcp-resource')) checkMcpResourceProduction(env, config.mcpResource);
  }
  const unknown = Object.keys(file).find((name) => !env.wasRead(name));
  if (unknown !== undefined) throw new ConfigError(`CONFIG_FILE names an unknown setting: ${unknown}`);
  return config;
}
