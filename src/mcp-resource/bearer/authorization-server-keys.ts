import { Inject, Injectable } from '@nestjs/common';
import { importJWK, type CryptoKey } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { MCP_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import type { AcceptedAlgorithm } from './access-token-claims.js';
import { checkAuthorizationServerMetadata, parseJwks } from './authorization-server-documents.js';
import { AuthorizationServerFetchError, AuthorizationServerHttp } from './authorization-server-http.js';

export type VerifyKey = CryptoKey;

interface KeySnapshot {
  readonly fetchedAt: number;
  readonly keys: ReadonlyMap<string, ReadonlyMap<AcceptedAlgorithm, VerifyKey>>;
}

/** RFC 8414 section 3.1: the metadata URL inserts the well-known path between the issuer's host and path. */
export function authorizationServerMetadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * The trusted AS's public keys, imported once and cached. The jwks_uri comes from the AS metadata
 * (never from a token). The keys are fetched again when the cache is older than MCP_JWKS_CACHE_TTL,
 * and when a token names a kid the cache lacks (a rotation); never more than once per
 * MCP_JWKS_REFETCH_INTERVAL, so neither unknown kids nor an AS outage make it ask on every request
 * (during an outage the stale keys stay in use).
 */
@Injectable()
export class AuthorizationServerKeys {
  private snapshot?: KeySnapshot;
  private metadata?: { readonly jwksUri: string; readonly fetchedAt: number };
  private lastFetchStartedAt?: number;
  private loading?: Promise<KeySnapshot>;
  private readonly logger: AppLogger;

  constructor(
    private readonly http: AuthorizationServerHttp,
    @Inject(MCP_CONFIG) private readonly config: McpResourceConfig,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('AuthorizationServerKeys');
  }

  /**
   * The key published under `kid` for `alg`, or undefined when the AS does not publish it. Throws
   * AuthorizationServerFetchError when the keys can't be had (no usable cache and the AS unreachable).
   */
  async key(kid: string, alg: AcceptedAlgorithm): Promise<VerifyKey | undefined> {
    let snapshot = this.snapshot;
    if (!snapshot && this.fetchedRecently() && !this.loading) {
      throw new AuthorizationServerFetchError('no AS keys: the last attempt to fetch them failed moments ago');
    }
    if (!snapshot || (this.isStale(snapshot) && !this.fetchedRecently())) snapshot = await this.refreshOrKeepStale();
    const published = snapshot.keys.get(kid);
    if (published) return published.get(alg);
    if (this.fetchedRecently()) return undefined;
    this.logger.info('token names an unknown kid: fetching the JWKS again', { kid });
    return (await this.refresh()).keys.get(kid)?.get(alg);
  }

  /**
   * Whether `key` is still what the fresh cache publishes under kid and alg, without any I/O: a
   * remembered verification stays good only while the key that made it does.
   */
  isCurrent(kid: string, alg: AcceptedAlgorithm, key: VerifyKey): boolean {
    const snapshot = this.snapshot;
    if (!snapshot || this.isStale(snapshot)) return false;
    return snapshot.keys.get(kid)?.get(alg) === key;
  }

  private isStale(snapshot: KeySnapshot): boolean {
    return this.clock.nowMs() - snapshot.fetchedAt >= this.config.jwksCacheSeconds * 1000;
  }

  /** A fetch was attempted (or made) within the refetch interval: don't ask the AS again yet. */
  private fetchedRecently(): boolean {
    return this.clock.nowMs() - (this.lastFetchStartedAt ?? -Infinity) < this.config.jwksRefetchIntervalSeconds * 1000;
  }

  private async refreshOrKeepStale(): Promise<KeySnapshot> {
    try {
      return await this.refresh();
    } catch (error) {
      if (!this.snapshot) throw error;
      this.logger.warn('could not refresh the AS keys; using the cached ones', { detail: (error as Error).message });
      return this.snapshot;
    }
  }

  private refresh(): Promise<KeySnapshot> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<KeySnapshot> {
    this.lastFetchStartedAt = this.clock.nowMs();
    const jwksUri = await this.jwksUri();
    const parsed = parseJwks(await this.http.getJson(jwksUri));
    if (!parsed.ok) throw new AuthorizationServerFetchError(`${jwksUri}: ${parsed.reason}`);
    const skipped = [...parsed.value.skipped];
    const keys = new Map<string, Map<AcceptedAlgorithm, VerifyKey>>();
    for (const published of parsed.value.keys) {
      const byAlg = new Map<AcceptedAlgorithm, VerifyKey>();
      for (const alg of published.algorithms) {
        try {
          const key = await importJWK(published.jwk, alg);
          if (!(key instanceof Uint8Array)) byAlg.set(alg, key);
        } catch (error) {
          skipped.push(`kid ${published.kid}: not a valid ${alg} key (${(error as Error).message})`);
        }
      }
      if (byAlg.size > 0) keys.set(published.kid, byAlg);
    }
    if (skipped.length > 0) this.logger.warn('skipped unusable JWKS entries', { jwksUri, skipped });
    const snapshot: KeySnapshot = { fetchedAt: this.clock.nowMs(), keys };
    this.snapshot = snapshot;
    this.logger.debug('loaded the AS keys', { jwksUri, kids: [...keys.keys()] });
    return snapshot;
  }

  private async jwksUri(): Promise<string> {
    const cached = this.metadata;
    if (cached && this.clock.nowMs() - cached.fetchedAt < this.config.jwksCacheSeconds * 1000) return cached.jwksUri;
    const issuer = this.config.authorizationServerIssuer;
    const checked = checkAuthorizationServerMetadata(await this.http.getJson(authorizationServerMetadataUrl(issuer)), issuer);
    if (!checked.ok) throw new AuthorizationServerFetchError(checked.reason);
    this.metadata = { jwksUri: checked.value.jwksUri, fetchedAt: this.clock.nowMs() };
    return checked.value.jwksUri;
  }
}
