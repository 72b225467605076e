import { Global, Module } from '@nestjs/common';
import type { JWK } from 'jose';
import {
  ClientResolutionError,
  ClientResolver,
  type Client,
  type ClientMetadata,
  type ResolveOptions,
} from '../../src/authorization-server/clients/client.js';

/**
 * Registered clients held in memory for tests that exercise the OAuth endpoints without CIMD: the same
 * contract the real resolver fulfils (resolve, keys with a refresh on unknown kid).
 */
export class InMemoryClientResolver extends ClientResolver {
  private readonly clients = new Map<string, Client>();
  readonly keyFetches: string[] = [];

  add(metadata: Partial<ClientMetadata> & Pick<ClientMetadata, 'client_id' | 'redirect_uris'>, extra: Partial<Client> = {}): Client {
    const full: ClientMetadata = {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...metadata,
    };
    const client: Client = {
      clientId: full.client_id,
      source: 'static',
      metadata: full,
      confidential: full.token_endpoint_auth_method !== 'none',
      ...extra,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  remove(clientId: string): void {
    this.clients.delete(clientId);
  }

  setKeys(clientId: string, keys: JWK[]): void {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`no client ${clientId}`);
    this.clients.set(clientId, { ...client, metadata: { ...client.metadata, jwks: { keys } } });
  }

  async resolve(clientId: string): Promise<Client> {
    const client = this.clients.get(clientId);
    if (!client) throw new ClientResolutionError('not_found', `no registered client ${clientId}`);
    return client;
  }

  async keys(client: Client, options?: ResolveOptions): Promise<readonly JWK[]> {
    this.keyFetches.push(`${client.clientId}${options?.forceRefresh ? ' (refresh)' : ''}`);
    const current = this.clients.get(client.clientId) ?? client;
    return current.metadata.jwks?.keys ?? [];
  }
}

export function testClientsModule(resolver: InMemoryClientResolver) {
  @Global()
  @Module({ providers: [{ provide: ClientResolver, useValue: resolver }], exports: [ClientResolver] })
  class TestClientsModule {}
  return TestClientsModule;
}
