import { Inject, Injectable } from '@nestjs/common';
import type { JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { decodeJws, verifyJwsSignature, type DecodedJws } from '../../common/crypto/jws.js';
import { AS_CONFIG, OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import type { RateLimitName } from '../../config/sections/rate-limits.js';
import type { DeferredChecks } from '../../common/rate-limit/rate-limiter.js';
import { ClientResolutionError, ClientResolver, type Client } from '../clients/client.js';
import {
  AssertionRejected,
  checkAssertionClaims,
  checkAssertionHeader,
  keyFitsAlgorithm,
  type AssertionAlgorithm,
} from './assertion-claims.js';
import { JtiReplayRepository } from './jti-replay.repository.js';
import { KeyImportCache } from './key-import-cache.js';

/** Why client authentication failed; becomes invalid_client on the wire (RFC 7523 section 3.2). */
export class ClientAuthenticationFailed extends Error {
  constructor(
    message: string,
    readonly resolutionReason?: string,
    readonly clientId?: string,
  ) {
    super(message);
  }
}

/**
 * private_key_jwt (RFC 7523 section 2.2 and 3, as updated by RFC 10070; OIDC Core section 9): the
 * assertion is signed by a key from the client's own metadata (`jwks` or `jwks_uri`), never by a key
 * named in the JWT header (jwk, jku, x5u, x5c are ignored).
 */
@Injectable()
export class PrivateKeyJwtVerifier {
  private readonly importedKeys = new KeyImportCache();

  constructor(
    private readonly clients: ClientResolver,
    private readonly replay: JtiReplayRepository,
    private readonly clock: Clock,
    @Inject(AS_CONFIG) private readonly asConfig: AuthorizationServerConfig,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
  ) {}

  /**
   * The client the assertion authenticates; with `rateLimit`, the request is counted against that
   * per-client limit once its jti proved fresh, and against the pending `deferred` checks in the same
   * statement, whatever the jti.
   */
  async verify(assertion: string, bodyClientId: string | undefined, rateLimit?: RateLimitName, deferred?: DeferredChecks): Promise<Client> {
    if (assertion.length > this.config.assertionMaxBytes) throw new ClientAuthenticationFailed('assertion is too large');
    let jws: DecodedJws;
    try {
      jws = decodeJws(assertion);
    } catch {
      throw new ClientAuthenticationFailed('assertion is not a well-formed JWS');
    }
    const header = jws.header as unknown as JWTHeaderParameters;
    const unverified = jws.payload as JWTPayload;
    let alg: AssertionAlgorithm;
    try {
      alg = checkAssertionHeader(header);
    } catch (error) {
      throw new ClientAuthenticationFailed((error as Error).message);
    }
    const clientId = unverified.iss;
    if (typeof clientId !== 'string' || clientId !== unverified.sub) throw new ClientAuthenticationFailed('iss and sub must both be the client_id');
    if (bodyClientId !== undefined && bodyClientId !== clientId) throw new ClientAuthenticationFailed('client_id parameter differs from the assertion issuer');

    const client = await this.resolve(clientId);
    if (client.metadata.token_endpoint_auth_method !== 'private_key_jwt') {
      throw new ClientAuthenticationFailed(`client is registered for ${client.metadata.token_endpoint_auth_method}, not private_key_jwt`);
    }
    const declared = client.metadata.token_endpoint_auth_signing_alg;
    if (declared !== undefined && declared !== alg) throw new ClientAuthenticationFailed(`client declared ${declared}, assertion used ${alg}`);

    const payload = await this.verifySignature(jws, client, alg, header.kid);
    let identity;
    try {
      identity = checkAssertionClaims(payload, {
        issuer: this.asConfig.issuer,
        tokenEndpoint: `${this.asConfig.issuer}/token`,
        acceptTokenEndpointAudience: this.config.acceptTokenEndpointAudience,
        nowSeconds: this.clock.nowSeconds(),
        skewSeconds: this.config.clockSkewSeconds,
        maxLifetimeSeconds: this.config.assertionMaxLifetimeSeconds,
      });
    } catch (error) {
      if (error instanceof AssertionRejected) throw new ClientAuthenticationFailed(error.message);
      throw error;
    }
    // OIDC Core section 9 / RFC 7523 section 3 item 7: one use per jti, across all replicas, until exp.
    const keepUntil = new Date((identity.exp + this.config.clockSkewSeconds) * 1000);
    const counted = rateLimit ? [{ rule: rateLimit, key: client.clientId }] : [];
    if (!(await this.replay.consume(client.clientId, identity.jti, keepUntil, this.clock.now(), counted, deferred))) {
      throw new ClientAuthenticationFailed('assertion jti was already used');
    }
    return client;
  }

  private async resolve(clientId: string, forceRefresh = false): Promise<Client> {
    try {
      return await this.clients.resolve(clientId, { forceRefresh });
    } catch (error) {
      if (error instanceof ClientResolutionError) {
        throw new ClientAuthenticationFailed(`client can't be resolved: ${error.message}`, error.reason, clientId);
      }
      throw error;
    }
  }

  private async verifySignature(jws: DecodedJws, client: Client, alg: AssertionAlgorithm, kid: string | undefined): Promise<JWTPayload> {
    let keys = this.candidates(await this.clients.keys(client), alg, kid);
    // An unknown kid may mean the client rotated its key: look at its metadata again, once.
    if (keys.length === 0 && kid !== undefined) keys = this.candidates(await this.clients.keys(client, { forceRefresh: true }), alg, kid);
    if (keys.length === 0) throw new ClientAuthenticationFailed(`no ${alg} key${kid ? ` with kid ${kid}` : ''} in the client's metadata`);
    for (const jwk of keys) {
      let verified = false;
      try {
        verified = verifyJwsSignature(jws, alg, this.importedKeys.get(jwk));
      } catch {
        // a key node:crypto can't import: try the next candidate
      }
      if (verified) return jws.payload as JWTPayload;
    }
    throw new ClientAuthenticationFailed('assertion signature did not verify with any of the client keys');
  }

  private candidates(keys: readonly JWK[], alg: AssertionAlgorithm, kid: string | undefined): JWK[] {
    return keys.filter((key) => (kid === undefined || key.kid === kid) && keyFitsAlgorithm(key, alg));
  }
}
