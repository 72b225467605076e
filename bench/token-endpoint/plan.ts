import type { JWK } from 'jose';

/** What both servers are configured with, so the comparison is like for like. */
export const BENCH_CLIENT_ID = 'bench-install';
export const BENCH_RESOURCE = 'https://mcp.bench.example/mcp';
export const BENCH_SCOPE = 'mcp:tickets:read';
export const ACCESS_TOKEN_TTL_SECONDS = 300;

export type GrantName = 'client_credentials' | 'refresh_token';
export const GRANTS: readonly GrantName[] = ['client_credentials', 'refresh_token'];

/** Sent to a server process (BENCH_SERVER_PLAN): the client's public key and how many refresh tokens to seed. */
export interface ServerPlan {
  readonly publicJwk: JWK;
  readonly refreshTokens: number;
}

/** The first line a server process prints once it is listening and seeded. */
export interface ServerReady {
  readonly pid: number;
  readonly url: string;
  readonly issuer: string;
  readonly database: string;
  readonly refreshTokens: readonly string[];
}

export function readJsonEnv<T>(name: string): T {
  const raw = process.env[name];
  if (!raw) throw new Error(`${name} is not set`);
  return JSON.parse(raw) as T;
}
