import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWTHeaderParameters, type KeyObject } from 'jose';
import { SigningKeysService } from '../../src/authorization-server/keys/signing-keys.service.js';
import type { TestSystem } from './test-system.js';

export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly key: CryptoKey | KeyObject | Uint8Array;
}

export interface MintOptions {
  /** Claims to add or replace; a claim set to undefined is left out. */
  readonly claims?: Record<string, unknown>;
  /** Header parameters to add or replace; one set to undefined is left out. */
  readonly header?: Record<string, unknown>;
  /** Sign with this key instead of the running AS's active signing key. */
  readonly key?: SigningKey;
}

export const READ_SCOPE = 'mcp:tickets:read';
export const WRITE_SCOPE = 'mcp:tickets:write';

/** The running AS's active signing key (what its token endpoint signs with). */
export function asSigningKey(system: TestSystem): Promise<SigningKey> {
  return system.system.app('authorization-server').get(SigningKeysService).activeKey();
}

function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/**
 * An RFC 9068 access token as the AS issues it: typ at+jwt, iss the AS issuer, aud the MCP resource,
 * sub, client_id, scope, iat, exp (5 minutes), jti; signed with the AS's real key unless told otherwise.
 */
export async function mintAccessToken(system: TestSystem, options: MintOptions = {}): Promise<string> {
  const signer = options.key ?? (await asSigningKey(system));
  const now = system.clock.nowSeconds();
  const claims = defined({
    iss: system.config.authorizationServer.issuer,
    sub: 'user-alice',
    aud: system.config.mcpResource.resource,
    client_id: 'https://apps.example.test/install-1/client.json',
    scope: `${READ_SCOPE} ${WRITE_SCOPE}`,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...options.claims,
  });
  const header = defined({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt', ...options.header }) as JWTHeaderParameters;
  return new SignJWT(claims).setProtectedHeader(header).sign(signer.key);
}

/** A token with the given header and claims and no signature (alg none): never signed by anyone. */
export function unsignedToken(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(claims)}.`;
}
