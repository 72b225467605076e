import type { JWK } from 'jose';

/** Where a client's registration comes from. */
export type ClientSource = 'cimd' | 'dcr' | 'static';

export type TokenEndpointAuthMethod = 'none' | 'private_key_jwt' | 'client_secret_basic' | 'client_secret_post';

/**
 * Validated client metadata in RFC 7591 names, after the metadata policy was applied and unsupported
 * grant and response types were dropped. Every kind of client is described by this one shape.
 */
export interface ClientMetadata {
  readonly client_id: string;
  readonly client_name?: string;
  readonly client_uri?: string;
  readonly logo_uri?: string;
  readonly policy_uri?: string;
  readonly tos_uri?: string;
  readonly redirect_uris: readonly string[];
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  readonly token_endpoint_auth_signing_alg?: string;
  readonly jwks?: { readonly keys: readonly JWK[] };
  readonly jwks_uri?: string;
  /** Space-separated scopes the client may ask for (the ceiling); absent means any supported scope. */
  readonly scope?: string;
  readonly application_type?: 'native' | 'web';
  readonly software_id?: string;
  readonly software_version?: string;
}

/** A client the authorization server has resolved and validated, whatever its source. */
export interface Client {
  readonly clientId: string;
  readonly source: ClientSource;
  readonly metadata: ClientMetadata;
  /** A confidential client must authenticate at every token-endpoint call with its method. */
  readonly confidential: boolean;
  /** DCR clients registered with a secret: base64url SHA-256 of the secret, and when it expires. */
  readonly secretHash?: string;
  readonly secretExpiresAt?: Date | null;
  /** CIMD only: when the document was fetched and until when the AS may use it without revalidating. */
  readonly fetchedAt?: Date;
  readonly expiresAt?: Date;
  /** CIMD only: the trust rule (its pattern) that admitted the client_id, if any. */
  readonly trustRule?: string;
}

export interface ResolveOptions {
  /** Bypass every cache and fetch the document again (for example on an unknown `kid`). */
  readonly forceRefresh?: boolean;
}

/** Why a client could not be resolved. The reason is specific (for logs and the admin dry run). */
export class ClientResolutionError extends Error {
  override readonly name = 'ClientResolutionError';

  constructor(
    /**
     * Stable machine-readable reason: 'unknown_client', 'invalid_client_id' (breaks the URL rules),
     * 'untrusted' (trust policy), 'blocked' (operator), 'fetch_failed', 'document_gone' (404/410),
     * 'invalid_document', 'jwks_unavailable' (keys()).
     */
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The one way every endpoint turns a client_id into a Client: registered clients (DCR, configured)
 * first, then a CIMD document when the client_id is a valid client-id URL and CIMD is enabled.
 * Throws ClientResolutionError when the client is unknown, blocked, or its document is unusable.
 */
export abstract class ClientResolver {
  abstract resolve(clientId: string, options?: ResolveOptions): Promise<Client>;

  /**
   * The public keys that verify the client's assertions: the document's `jwks`, or the keys fetched
   * from its `jwks_uri` (through the same safe fetcher and a cache). With forceRefresh (an assertion
   * named an unknown `kid`), the document or jwks_uri is fetched again, at most once per short interval.
   */
  abstract keys(client: Client, options?: ResolveOptions): Promise<readonly JWK[]>;
}
