import { SigningKeys1795305600000 } from './migrations/1795305600000-signing-keys.js';
import { RateLimitsAndAudit1795305600001 } from './migrations/1795305600001-rate-limits-and-audit.js';
import { ClientBackendInstalls1795311000000 } from './migrations/1795311000000-client-backend-installs.js';
import { Clients1795312000000 } from './migrations/1795312000000-clients.js';
import { McpTickets1795313000000 } from './migrations/1795313000000-mcp-tickets.js';
import { OAuthCore1795314000000 } from './migrations/1795314000000-oauth-core.js';

/** Every schema change, in order. The schema is never synchronised from entities. */
export const MIGRATIONS = [
  SigningKeys1795305600000,
  RateLimitsAndAudit1795305600001,
  ClientBackendInstalls1795311000000,
  Clients1795312000000,
  McpTickets1795313000000,
  OAuthCore1795314000000,
];
