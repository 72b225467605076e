import type { EnvReader } from '../env-reader.js';
import { readListener, type ListenerConfig } from './listener.js';

export interface McpResourceConfig {
  readonly listener: ListenerConfig;
  readonly publicUrl: string;
}

export function readMcpResourceConfig(env: EnvReader): McpResourceConfig {
  const listener = readListener(env, 'MCP', 'MCP_PUBLIC_URL', 3200);
  return { listener, publicUrl: listener.publicUrl };
}
