import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { FetchError } from '../../common/http/fetch-error.js';
import { isJsonMediaType, SafeFetcher, type SafeFetchRequest } from '../../common/http/safe-fetcher.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { ClientResolutionError } from '../clients/client.js';
import { parsePublicJwks } from '../clients/public-jwks.js';
import { freshnessOf } from './http-freshness.js';
import { JwksCacheRepository, type JwksCacheRow } from './jwks-cache.repository.js';

/** The request for a jwks_uri (conditional when validators are known). */
export function jwksRequest(jwksUri: string, maxBytes: number, validators?: { etag: string | null; lastModified: string | null }): SafeFetchRequest {
  return {
    url: jwksUri,
    maxBytes,
    accept: 'application/jwk-set+json, application/json',
    contentTypes: isJsonMediaType,
    ifNoneMatch: validators?.etag ?? undefined,
    ifModifiedSince: validators?.lastModified ?? undefined,
  };
}

interface Remembered {
  readonly keys: JWK[];
  readonly validUntil: number;
}

/**
 * Keys published at a document's jwks_uri, fetched through the same safe fetcher and rules as the
 * document (CIMD -02 section 8.6 covers every URL in the document), held in the shared cache with
 * the same freshness rules, a short in-process layer, and rate-limited forced refreshes.
 */
@Injectable()
export class JwksUriCache {
  private readonly memory = new Map<string, Remembered>();
  private readonly inflight = new Map<string, Promise<JWK[]>>();
  private readonly lastForced = new Map<string, number>();
  private readonly logger: AppLogger;

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly repository: JwksCacheRepository,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('JwksUriCache');
  }

  async keys(jwksUri: string, forceRefresh = false): Promise<JWK[]> {
    const now = this.clock.nowMs();
    const intervalMs = this.config.cache.forceRefreshIntervalSeconds * 1000;
    let forced = forceRefresh && (this.lastForced.get(jwksUri) ?? Number.NEGATIVE_INFINITY) <= now - intervalMs;
    const remembered = this.memory.get(jwksUri);
    if (!forced && remembered && remembered.validUntil > now) return remembered.keys;
    const row = await this.repository.find(jwksUri);
    // Another replica refreshed it moments ago: that counts as the forced refresh.
    if (forced && row && row.fetchedAt.getTime() > now - intervalMs) forced = false;
    if (row && !forced && row.expiresAt.getTime() > now) {
      this.remember(jwksUri, row.keys, row.expiresAt.getTime());
      return row.keys;
    }
    if (forced) {
      if (this.lastForced.size > 10_000) this.lastForced.clear();
      this.lastForced.set(jwksUri, now);
    }
    let pending = this.inflight.get(jwksUri);
    if (!pending) {
      pending = this.fetch(jwksUri, row).finally(() => this.inflight.delete(jwksUri));
      this.inflight.set(jwksUri, pending);
    }
    return pending;
  }

  private remember(jwksUri: string, keys: JWK[], expiresAtMs: number): void {
    const now = this.clock.nowMs();
    this.memory.set(jwksUri, { keys, validUntil: Math.min(expiresAtMs, now + this.config.cache.memorySeconds * 1000) });
    if (this.memory.size > 10_000) this.memory.delete(this.memory.keys().next().value as string);
  }

  private async fetch(jwksUri: string, row: JwksCacheRow | undefined): Promise<JWK[]> {
    let response;
    try {
      response = await this.fetcher.fetch(jwksRequest(jwksUri, this.config.maxJwksBytes, row));
    } catch (error) {
      const reason = error instanceof FetchError ? `${error.reason}: ${error.message}` : (error as Error).message;
      if (row && row.expiresAt.getTime() > this.clock.nowMs()) {
        this.logger.warn('jwks_uri refetch failed; the fresh cached keys stay in use', { jwksUri, reason });
        return row.keys;
      }
      if (error instanceof FetchError && (error.status === 404 || error.status === 410)) await this.repository.forget(jwksUri);
      this.logger.warn('jwks_uri could not be fetched', { jwksUri, reason });
      throw new ClientResolutionError('jwks_unavailable', `the keys at ${jwksUri} could not be fetched: ${reason}`);
    }
    const now = this.clock.now();
    const headers = response.status === 304 && row ? { ...row.responseHeaders, ...response.headers } : response.headers;
    let keys: JWK[];
    if (response.status === 304 && row) {
      keys = row.keys;
    } else {
      const checked = parsePublicJwks(response.body);
      if (!checked.ok) {
        await this.repository.forget(jwksUri);
        this.logger.warn('jwks_uri refused', { jwksUri, problem: checked.problem });
        throw new ClientResolutionError('jwks_unavailable', `the JWK Set at ${jwksUri} ${checked.problem}`);
      }
      keys = checked.keys;
    }
    const freshness = freshnessOf(headers, now.getTime(), this.config.cache);
    if (!freshness.store) {
      await this.repository.forget(jwksUri);
      return keys;
    }
    const expiresAt = new Date(now.getTime() + freshness.lifetimeSeconds * 1000);
    await this.repository.save({
      jwksUri,
      keys,
      etag: headers.etag ?? null,
      lastModified: headers['last-modified'] ?? null,
      responseHeaders: headers,
      fetchedAt: now,
      expiresAt,
    });
    this.remember(jwksUri, keys, expiresAt.getTime());
    this.logger.info('jwks_uri fetched', { jwksUri, keys: keys.length, lifetime: freshness.lifetimeSeconds, status: response.status });
    return keys;
  }
}
