import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock/clock.js';
import { FetchError } from '../../../common/http/fetch-error.js';
import { SafeFetcher } from '../../../common/http/safe-fetcher.js';
import { CIMD_CONFIG } from '../../../config/config.tokens.js';
import type { CimdConfig } from '../../../config/sections/cimd.js';
import { checkClientIdUrl, looksLikeClientIdUrl } from '../../cimd/client-id-url.js';
import { CimdDocuments } from '../../cimd/cimd-documents.service.js';
import { freshnessOf } from '../../cimd/http-freshness.js';
import { jwksRequest } from '../../cimd/jwks-uri.cache.js';
import { decideClientId } from '../../cimd/trust-policy.js';
import type { ClientMetadata } from '../client.js';
import { ClientsRepository } from '../clients.repository.js';
import { parsePublicJwks } from '../public-jwks.js';
import { ValidationReport, type CheckResult } from '../validation-report.js';

export interface VerificationResult {
  readonly client_id: string;
  readonly valid: boolean;
  readonly checks: readonly CheckResult[];
  readonly notes: readonly string[];
  readonly metadata?: ClientMetadata;
  readonly cache?: { readonly stored: boolean; readonly lifetime_seconds?: number; readonly decided_by: string };
}

/**
 * The admin dry run: resolves a client-id URL exactly as a real request would (same URL rules, trust
 * policy, safe fetch, document evaluation, metadata policy) and reports every check, passed, failed or
 * skipped. Nothing is stored and no cache entry changes.
 */
@Injectable()
export class ClientVerificationService {
  constructor(
    private readonly documents: CimdDocuments,
    private readonly repository: ClientsRepository,
    private readonly fetcher: SafeFetcher,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
    private readonly clock: Clock,
  ) {}

  async verify(clientId: string): Promise<VerificationResult> {
    const report = new ValidationReport();
    const result = (extra: Partial<VerificationResult> = {}): VerificationResult => ({
      client_id: clientId,
      valid: report.ok && extra.metadata !== undefined,
      checks: report.checks,
      notes: report.notes,
      ...extra,
    });
    const stop = (after: string) => {
      report.skip('fetch', `not attempted: ${after} failed`);
      return result();
    };
    report.expect(this.config.enabled, 'CIMD enabled', 'client ID metadata documents are disabled (CIMD_ENABLED=false)');
    report.expect(looksLikeClientIdUrl(clientId), 'client_id is a URL', 'the client_id is not an http(s) URL');
    const url = checkClientIdUrl(clientId, { allowQuery: this.config.allowQuery, allowLoopbackHttp: this.config.allowLoopbackHttp, maxLength: this.config.maxClientIdLength });
    report.expect(url.ok, 'client_id URL rules', url.ok ? '' : url.reason);
    const { block } = await this.repository.findForResolution(clientId);
    report.expect(!block, 'not blocked', block ? `blocked by ${block.blockedBy}: ${block.reason}` : '');
    const trust = decideClientId(this.config.trust, clientId);
    report.expect(trust.ok, 'trust policy (client_id, before fetching)', trust.ok ? '' : trust.reason);
    if (!report.ok) return stop('a check before the fetch');

    let response;
    const started = Date.now();
    try {
      response = await this.documents.fetchDocument(clientId);
    } catch (error) {
      report.fail('fetch', error instanceof FetchError ? `${error.reason}: ${error.message}` : (error as Error).message);
      return result();
    }
    report.pass('fetch', `200 from ${response.address}, ${response.body.length} bytes, ${response.headers['content-type']}, ${Date.now() - started} ms`);
    const evaluation = this.documents.evaluate(response.body.toString('utf8'), clientId);
    report.checks.push(...evaluation.report.checks);
    report.notes.push(...evaluation.report.notes);
    const freshness = freshnessOf(response.headers, this.clock.nowMs(), this.documents.bounds(evaluation.rule));
    const cache = freshness.store
      ? { stored: true, lifetime_seconds: freshness.lifetimeSeconds, decided_by: freshness.source }
      : { stored: false, decided_by: freshness.reason };
    if (evaluation.metadata?.jwks_uri) await this.checkJwksUri(evaluation.metadata.jwks_uri, report);
    return result({ metadata: evaluation.metadata, cache });
  }

  private async checkJwksUri(jwksUri: string, report: ValidationReport): Promise<void> {
    try {
      const response = await this.fetcher.fetch(jwksRequest(jwksUri, this.config.maxJwksBytes));
      const jwks = parsePublicJwks(response.body);
      report.expect(jwks.ok, 'jwks_uri keys', jwks.ok ? '' : `the JWK Set ${jwks.problem}`);
    } catch (error) {
      report.fail('jwks_uri keys', error instanceof FetchError ? `${error.reason}: ${error.message}` : (error as Error).message);
    }
  }
}
