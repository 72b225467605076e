import { Injectable } from '@nestjs/common';
import { AppLogger } from '../../common/logging/app-logger.js';
import { RateLimiter, type DeferredChecks } from '../../common/rate-limit/rate-limiter.js';
import type { RateLimitName } from '../../config/sections/rate-limits.js';
import { ClientResolutionError, ClientResolver, type Client, type TokenEndpointAuthMethod } from '../clients/client.js';
import type { OAuthParams } from '../oauth-params/oauth-params.js';
import { InvalidClient } from '../oauth-errors/oauth-errors.js';
import { JWT_BEARER_ASSERTION_TYPE } from './assertion-claims.js';
import { ClientSecretVerifier } from './client-secret.verifier.js';
import { ClientAuthenticationFailed, PrivateKeyJwtVerifier } from './private-key-jwt.verifier.js';

/** invalid_client, remembering whether the client's registration itself is gone (not just the credentials). */
export class ClientAuthenticationError extends InvalidClient {
  constructor(
    detail: string,
    basicChallenge: boolean,
    /** Why resolving the client failed, when it did (a ClientResolutionError reason). */
    readonly resolutionReason?: string,
    /** The client_id the request claimed (assertion iss, Basic user, or client_id parameter). */
    readonly claimedClientId?: string,
  ) {
    super(detail, { basicChallenge });
  }
}

export interface AuthenticationOptions {
  /**
   * Count the authenticated request against this per-client limit (key: the client_id). For
   * private_key_jwt it is counted in the same statement that records the assertion's jti.
   */
  readonly clientRateLimit?: RateLimitName;
  /**
   * Checks of the request not counted yet (a per-address limit): counted in the same statement as the
   * assertion's jti or the per-client count, so they cost no round trip of their own. Whatever is still
   * pending when authentication fails stays with the caller.
   */
  readonly deferred?: DeferredChecks;
}

export interface AuthenticatedClient {
  readonly client: Client;
  readonly method: TokenEndpointAuthMethod;
}

function decodeBasic(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    // RFC 6749 section 2.3.1: both parts are form-urlencoded before being joined.
    const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Client authentication for the token, revocation and introspection endpoints: exactly one method per
 * request (OAuth 2.1 section 2.4), and it must be the method the client registered, so a client whose
 * metadata declares private_key_jwt can't fall back to anything else (CIMD section 8.2). Every failure
 * is the same invalid_client; the reason goes to the log.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly logger: AppLogger;

  constructor(
    private readonly clients: ClientResolver,
    private readonly privateKeyJwt: PrivateKeyJwtVerifier,
    private readonly secrets: ClientSecretVerifier,
    private readonly rateLimiter: RateLimiter,
    logger: AppLogger,
  ) {
    this.logger = logger.child('ClientAuthentication');
  }

  /** `authorization`: the request's Authorization header, if any (client_secret_basic). */
  async authenticate(params: OAuthParams, authorization: string | undefined, options: AuthenticationOptions = {}): Promise<AuthenticatedClient> {
    const authenticated = await this.identify(params, authorization, options);
    // private_key_jwt counted the request together with its jti; every other method counts it here.
    if (options.clientRateLimit && authenticated.method !== 'private_key_jwt') {
      await this.rateLimiter.enforce({ rule: options.clientRateLimit, key: authenticated.client.clientId }, ...(options.deferred?.take() ?? []));
    }
    return authenticated;
  }

  private async identify(params: OAuthParams, authorization: string | undefined, options: AuthenticationOptions): Promise<AuthenticatedClient> {
    const usedBasic = authorization !== undefined;
    const fail = (detail: string, failure?: ClientAuthenticationFailed): never => {
      throw new ClientAuthenticationError(detail, usedBasic, failure?.resolutionReason, failure?.clientId);
    };
    try {
      const hasAssertion = params.has('client_assertion') || params.has('client_assertion_type');
      const hasSecret = params.has('client_secret');
      const methods = [usedBasic, hasAssertion, hasSecret].filter(Boolean).length;
      if (methods > 1) fail('more than one client authentication method in the request');
      const bodyClientId = params.get('client_id');

      if (usedBasic) {
        const basic = decodeBasic(authorization!);
        if (!basic) fail('Authorization header is not valid Basic credentials');
        if (bodyClientId !== undefined && bodyClientId !== basic!.id) fail('client_id parameter differs from the Basic credentials');
        return { client: await this.secrets.verify(basic!.id, basic!.secret, 'client_secret_basic'), method: 'client_secret_basic' };
      }
      if (hasAssertion) {
        if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE) fail('unsupported client_assertion_type');
        const assertion = params.get('client_assertion');
        if (assertion === undefined) fail('client_assertion is missing');
        return { client: await this.privateKeyJwt.verify(assertion!, bodyClientId, options.clientRateLimit, options.deferred), method: 'private_key_jwt' };
      }
      if (bodyClientId === undefined) fail('no client authentication and no client_id');
      if (hasSecret) {
        return { client: await this.secrets.verify(bodyClientId!, params.get('client_secret')!, 'client_secret_post'), method: 'client_secret_post' };
      }
      const client = await this.resolvePublic(bodyClientId!);
      if (client.metadata.token_endpoint_auth_method !== 'none') {
        fail(`client is registered for ${client.metadata.token_endpoint_auth_method} but sent no credentials`);
      }
      return { client, method: 'none' };
    } catch (error) {
      if (error instanceof ClientAuthenticationFailed) fail(error.message, error);
      throw error;
    }
  }

  private async resolvePublic(clientId: string): Promise<Client> {
    try {
      return await this.clients.resolve(clientId);
    } catch (error) {
      if (error instanceof ClientResolutionError) {
        throw new ClientAuthenticationFailed(`client can't be resolved: ${error.message}`, error.reason, clientId);
      }
      throw error;
    }
  }
}
