import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { FetchError } from '../../common/http/fetch-error.js';
import { isJsonMediaType, SafeFetcher, type SafeFetchResponse } from '../../common/http/safe-fetcher.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { ClientResolutionError, type Client, type ClientMetadata } from '../clients/client.js';
import { ClientsRepository, type ClientRow } from '../clients/clients.repository.js';
import { checkClientIdUrl } from './client-id-url.js';
import { evaluateCimdDocument, type CimdEvaluation } from './cimd-document.validator.js';
import { freshnessOf, type CacheBounds } from './http-freshness.js';
import { decideClientId, type TrustRule } from './trust-policy.js';

export const DOCUMENT_ACCEPT = 'application/cimd+json, application/json';

/**
 * CIMD documents behind the shared cache: admits a client_id (URL rules, trust policy) before any
 * fetch, fetches with the safe fetcher (one fetch per URL at a time in this process), revalidates with
 * the stored validators, evaluates every document against the current rules, and stores only valid
 * documents for as long as their HTTP freshness (clamped) allows. Never caches an error.
 */
@Injectable()
export class CimdDocuments {
  private readonly inflight = new Map<string, Promise<Client>>();
  private readonly logger: AppLogger;

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly repository: ClientsRepository,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('CimdDocuments');
  }

  /** Checks made before any network traffic; throws when the client_id can't be a CIMD client here. */
  admit(clientId: string): TrustRule | undefined {
    if (!this.config.enabled) throw new ClientResolutionError('unknown_client', 'client ID metadata documents are disabled (CIMD_ENABLED=false)');
    const url = checkClientIdUrl(clientId, {
      allowQuery: this.config.allowQuery,
      allowLoopbackHttp: this.config.allowLoopbackHttp,
      maxLength: this.config.maxClientIdLength,
    });
    if (!url.ok) throw new ClientResolutionError('invalid_client_id', `the client_id is not a valid client ID metadata document URL: ${url.reason}`);
    const trust = decideClientId(this.config.trust, clientId);
    if (!trust.ok) throw new ClientResolutionError('untrusted', trust.reason);
    return trust.rule;
  }

  evaluate(body: string, clientId: string): CimdEvaluation {
    return evaluateCimdDocument(body, {
      clientId,
      fetchedUrl: clientId,
      profile: this.config.profile,
      trust: this.config.trust,
      globalPolicy: this.config.metadataPolicy,
      allowLoopbackHttp: this.config.allowLoopbackHttp,
      allowClientCredentials: this.config.allowClientCredentials,
    });
  }

  /** A stored document still within its freshness, judged again by the current configuration. */
  fromStored(row: ClientRow): Client {
    const evaluation = this.evaluate(JSON.stringify(row.metadata), row.clientId);
    if (!evaluation.metadata) {
      throw new ClientResolutionError('invalid_document', `the cached document no longer passes: ${evaluation.report.summary()}`);
    }
    return this.toClient(evaluation.metadata, evaluation.rule, row.fetchedAt!, row.expiresAt!);
  }

  /** Fetches (or revalidates) the document; concurrent callers for one client_id share one fetch. */
  refresh(clientId: string, row: ClientRow | undefined): Promise<Client> {
    let pending = this.inflight.get(clientId);
    if (!pending) {
      pending = this.fetchAndStore(clientId, row).finally(() => this.inflight.delete(clientId));
      this.inflight.set(clientId, pending);
    }
    return pending;
  }

  fetchDocument(clientId: string, row?: Pick<ClientRow, 'etag' | 'lastModified'>): Promise<SafeFetchResponse> {
    return this.fetcher.fetch({
      url: clientId,
      maxBytes: this.config.maxDocumentBytes,
      accept: DOCUMENT_ACCEPT,
      contentTypes: isJsonMediaType,
      ifNoneMatch: row?.etag ?? undefined,
      ifModifiedSince: row?.lastModified ?? undefined,
    });
  }

  bounds(rule: TrustRule | undefined): CacheBounds {
    const max = Math.min(this.config.cache.maxSeconds, rule?.cacheMaxSeconds ?? Number.POSITIVE_INFINITY);
    return { minSeconds: Math.min(this.config.cache.minSeconds, max), maxSeconds: max };
  }

  private async fetchAndStore(clientId: string, row: ClientRow | undefined): Promise<Client> {
    const rule = this.admit(clientId);
    const conditional = row?.source === 'cimd' && (row.etag !== null || row.lastModified !== null) ? row : undefined;
    let response: SafeFetchResponse;
    try {
      response = await this.fetchDocument(clientId, conditional);
    } catch (error) {
      return this.fetchFailed(clientId, row, error);
    }
    const now = this.clock.now();
    if (response.status === 304) {
      if (!conditional) throw new ClientResolutionError('fetch_failed', 'the document host answered 304 to an unconditional request');
      const headers = { ...(conditional.responseHeaders ?? {}), ...response.headers };
      const evaluation = this.evaluate(JSON.stringify(conditional.metadata), clientId);
      if (!evaluation.metadata) return this.invalid(clientId, evaluation);
      const freshness = freshnessOf(headers, now.getTime(), this.bounds(evaluation.rule));
      const lifetime = freshness.store ? freshness.lifetimeSeconds : 0;
      const expiresAt = new Date(now.getTime() + lifetime * 1000);
      await this.repository.renewDocument(clientId, {
        fetchedAt: now,
        expiresAt,
        etag: headers.etag ?? null,
        lastModified: headers['last-modified'] ?? null,
        responseHeaders: headers,
        cacheSource: freshness.store ? freshness.source : freshness.reason,
      });
      this.logger.debug('client metadata document revalidated (304)', { clientId, lifetime });
      return this.toClient(evaluation.metadata, evaluation.rule, now, expiresAt);
    }
    const evaluation = this.evaluate(response.body.toString('utf8'), clientId);
    if (!evaluation.metadata) return this.invalid(clientId, evaluation);
    for (const note of evaluation.report.notes) this.logger.info('client metadata document accepted with a change', { clientId, note });
    const freshness = freshnessOf(response.headers, now.getTime(), this.bounds(evaluation.rule ?? rule));
    if (!freshness.store) {
      // CIMD -02 section 5.2 follows HTTP caching: a no-store document is used for this request only.
      await this.repository.forgetDocument(clientId);
      this.logger.info('client metadata document fetched, not stored', { clientId, reason: freshness.reason });
      return this.toClient(evaluation.metadata, evaluation.rule, now, now);
    }
    const expiresAt = new Date(now.getTime() + freshness.lifetimeSeconds * 1000);
    await this.repository.saveDocument(
      {
        clientId,
        document: JSON.parse(response.body.toString('utf8')) as Record<string, unknown>,
        fetchedAt: now,
        expiresAt,
        etag: response.headers.etag ?? null,
        lastModified: response.headers['last-modified'] ?? null,
        responseHeaders: response.headers,
        cacheSource: freshness.source,
      },
      now,
    );
    this.logger.info('client metadata document fetched', { clientId, address: response.address, lifetime: freshness.lifetimeSeconds, cache: freshness.source });
    return this.toClient(evaluation.metadata, evaluation.rule, now, expiresAt);
  }

  private async fetchFailed(clientId: string, row: ClientRow | undefined, error: unknown): Promise<Client> {
    const reason = error instanceof FetchError ? `${error.reason}: ${error.message}` : (error as Error).message;
    if (error instanceof FetchError && (error.status === 404 || error.status === 410)) {
      // CIMD -02 section 5.1: a deleted document is an error; the stored copy is dropped, never used again.
      await this.repository.forgetDocument(clientId);
      this.logger.warn('client metadata document is gone', { clientId, status: error.status });
      throw new ClientResolutionError('document_gone', `the document answered ${error.status}: ${reason}`);
    }
    await this.repository.recordFetchError(clientId, reason, this.clock.now());
    // A failed forced refresh may fall back to a copy that is still fresh; never to an expired one.
    if (row?.source === 'cimd' && row.expiresAt && row.expiresAt.getTime() > this.clock.nowMs()) {
      this.logger.warn('client metadata document refetch failed; the fresh cached copy stays in use', { clientId, reason });
      return this.fromStored(row);
    }
    this.logger.warn('client metadata document could not be fetched', { clientId, reason });
    throw new ClientResolutionError('fetch_failed', `the document could not be fetched: ${reason}`);
  }

  private async invalid(clientId: string, evaluation: CimdEvaluation): Promise<never> {
    const summary = evaluation.report.summary();
    await this.repository.forgetDocument(clientId);
    this.logger.warn('client metadata document refused', { clientId, reasons: summary });
    throw new ClientResolutionError('invalid_document', `the document is not acceptable: ${summary}`);
  }

  private toClient(metadata: ClientMetadata, rule: TrustRule | undefined, fetchedAt: Date, expiresAt: Date): Client {
    return {
      clientId: metadata.client_id,
      source: 'cimd',
      metadata,
      confidential: metadata.token_endpoint_auth_method !== 'none',
      fetchedAt,
      expiresAt,
      trustRule: rule?.pattern,
    };
  }
}
