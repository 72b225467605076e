import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { UsersService } from '../../src/authorization-server/users/users.service.js';
import { clientAssertion, type AssertionOptions } from './oauth-client.js';
import { TestClients, type ClientDocument } from './test-clients.js';
import { startTestSystem, type TestSystem, type TestSystemOptions } from './test-system.js';

export interface DeviceKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly kid: string;
}

export async function deviceKey(alg: 'ES256' | 'RS256' | 'EdDSA' = 'ES256'): Promise<DeviceKey> {
  const pair = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : undefined);
  const jwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey: pair.privateKey, publicJwk: { ...jwk, kid, alg, use: 'sig' }, kid };
}

/** The document of a machine client: private_key_jwt with one key (RFC 7523), client_credentials only. */
export function machineClientDocument(key: DeviceKey, redirectUri = 'http://127.0.0.1/cb'): ClientDocument {
  return { redirect_uris: [redirectUri], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] };
}

export interface OAuthFixture {
  readonly system: TestSystem;
  /** CIMD documents on a loopback host, resolved by the AS like any client's. */
  readonly clients: TestClients;
  readonly as: string;
  readonly issuer: string;
  readonly resource: string;
  assertion(clientId: string, key: DeviceKey, overrides?: Partial<AssertionOptions>): Promise<string>;
  stop(): Promise<void>;
}

export const ALICE = { username: 'alice', password: 'correct horse battery' } as const;

/** The AS role, a loopback host for client documents, and the user alice. */
export async function startOAuthFixture(options: TestSystemOptions = {}): Promise<OAuthFixture> {
  const clients = await TestClients.start();
  const system = await startTestSystem({
    roles: ['authorization-server'],
    ...options,
    env: { CIMD_CLIENT_CREDENTIALS: 'true', ...options.env },
  });
  await system.system.app('authorization-server').get(UsersService).create(ALICE.username, ALICE.password);
  const issuer = system.config.authorizationServer.issuer;
  return {
    system,
    clients,
    as: system.url['authorization-server'],
    issuer,
    resource: system.config.authorizationServer.resources[0].resource,
    assertion: (clientId, key, overrides = {}) => clientAssertion({ clientId, audience: issuer, key: key.privateKey, kid: key.kid, ...overrides }),
    async stop() {
      await system.stop();
      await clients.stop();
    },
  };
}
