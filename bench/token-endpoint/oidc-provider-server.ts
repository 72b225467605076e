import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { ACCESS_TOKEN_TTL_SECONDS, BENCH_CLIENT_ID, BENCH_RESOURCE, BENCH_SCOPE, readJsonEnv, type ServerPlan, type ServerReady } from './plan.js';

/**
 * The baseline for bench:token-endpoint: panva's oidc-provider, configured like our server: the same
 * private_key_jwt client (ES256 only) allowed client_credentials and refresh_token, refresh tokens
 * rotated on every use, JWT access tokens (RFC 9068 format via resourceIndicators) for the same resource
 * and scope, signed ES256, 300 s. Its storage is an in-process Map (jti replay records included): it
 * pays no database round trip, which only favours the baseline. (Its bundled development adapter is
 * an LRU of 1,000 entries, which drops live grants under this load.)
 */
interface OidcProvider {
  callback(): (request: unknown, response: unknown) => void;
  Grant: new (properties: { accountId: string; clientId: string }) => {
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  };
  RefreshToken: new (properties: Record<string, unknown>) => { save(): Promise<string> };
  Client: { find(id: string): Promise<unknown> };
}

type Payload = Record<string, unknown> & { grantId?: string; consumed?: number; uid?: string; userCode?: string };

/** oidc-provider's storage interface over one Map per model; nothing is evicted during a bounded run. */
class MapAdapter {
  private static readonly stores = new Map<string, Map<string, Payload>>();
  private readonly store: Map<string, Payload>;

  constructor(name: string) {
    this.store = MapAdapter.stores.get(name) ?? new Map();
    MapAdapter.stores.set(name, this.store);
  }

  async upsert(id: string, payload: Payload): Promise<void> {
    this.store.set(id, payload);
  }

  async find(id: string): Promise<Payload | undefined> {
    return this.store.get(id);
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    return [...this.store.values()].find((payload) => payload.uid === uid);
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    return [...this.store.values()].find((payload) => payload.userCode === userCode);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(id);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, payload] of this.store) if (payload.grantId === grantId) this.store.delete(id);
  }
}

const plan = readJsonEnv<ServerPlan>('BENCH_SERVER_PLAN');
// No type declarations ship with oidc-provider; the few members used here are typed above.
const specifier = 'oidc-provider';
const { Provider } = (await import(specifier)) as { Provider: new (issuer: string, configuration: unknown) => OidcProvider };

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'bench-as', alg: 'ES256', use: 'sig' };

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: BENCH_CLIENT_ID,
      client_name: 'Bench install',
      redirect_uris: ['https://apps.bench.example/cb'],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [plan.publicJwk] },
      scope: BENCH_SCOPE,
      // its only signing key is ES256 (the default, RS256, would need a second key)
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [signingJwk] },
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: { clientAuthSigningAlgValues: ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'] },
  scopes: [BENCH_SCOPE, 'offline_access'],
  rotateRefreshToken: true,
  ttl: { AccessToken: ACCESS_TOKEN_TTL_SECONDS, ClientCredentials: ACCESS_TOKEN_TTL_SECONDS, Grant: 30 * 86_400, RefreshToken: 14 * 86_400 },
  findAccount: (_ctx: unknown, accountId: string) => ({ accountId, claims: () => ({ sub: accountId }) }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => BENCH_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, resource: string) => {
        if (resource !== BENCH_RESOURCE) throw new Error(`unknown resource ${resource}`);
        return { scope: BENCH_SCOPE, audience: BENCH_RESOURCE, accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
});
server.on('request', provider.callback());

// Refresh tokens as a code exchange would have left them: one grant each, for the resource and scope.
const client = await provider.Client.find(BENCH_CLIENT_ID);
const seeded: string[] = [];
for (let i = 0; i < plan.refreshTokens; i += 1) {
  const accountId = `bench-user-${i}`;
  const grant = new provider.Grant({ accountId, clientId: BENCH_CLIENT_ID });
  grant.addResourceScope(BENCH_RESOURCE, BENCH_SCOPE);
  const grantId = await grant.save();
  const token = new provider.RefreshToken({ client, accountId, grantId, scope: BENCH_SCOPE, resource: BENCH_RESOURCE, gty: 'authorization_code' });
  seeded.push(await token.save());
}

const ready: ServerReady = { pid: process.pid, url: issuer, issuer, database: 'an in-memory Map', refreshTokens: seeded };
process.stdout.write(`${JSON.stringify(ready)}\n`);
process.once('SIGTERM', () => server.close(() => process.exit(0)));
