import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { constantTimeEqual, sha256Base64Url } from '../../common/crypto/hash.js';
import { ClientResolutionError, ClientResolver, type Client } from '../clients/client.js';
import { ClientAuthenticationFailed } from './private-key-jwt.verifier.js';

/** RFC 6749 section 2.3.1: client_secret_basic and client_secret_post, only for DCR clients issued a secret. */
@Injectable()
export class ClientSecretVerifier {
  constructor(
    private readonly clients: ClientResolver,
    private readonly clock: Clock,
  ) {}

  async verify(clientId: string, secret: string, method: 'client_secret_basic' | 'client_secret_post'): Promise<Client> {
    let client: Client;
    try {
      client = await this.clients.resolve(clientId);
    } catch (error) {
      if (error instanceof ClientResolutionError) {
        throw new ClientAuthenticationFailed(`client can't be resolved: ${error.message}`, error.reason, clientId);
      }
      throw error;
    }
    if (client.source === 'cimd' || !client.secretHash) throw new ClientAuthenticationFailed('client has no secret');
    if (client.metadata.token_endpoint_auth_method !== method) {
      throw new ClientAuthenticationFailed(`client is registered for ${client.metadata.token_endpoint_auth_method}, not ${method}`);
    }
    if (!constantTimeEqual(sha256Base64Url(secret), client.secretHash)) throw new ClientAuthenticationFailed('client secret mismatch');
    if (client.secretExpiresAt && client.secretExpiresAt.getTime() <= this.clock.nowMs()) throw new ClientAuthenticationFailed('client secret expired');
    return client;
  }
}
