import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../common/audit/audit-log.js';
import { Clock } from '../../common/clock/clock.js';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { randomId, randomToken } from '../../common/crypto/random.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { CIMD_CONFIG } from '../../config/config.tokens.js';
import type { CimdConfig } from '../../config/sections/cimd.js';
import { applyMetadataPolicy } from '../cimd/metadata-policy.js';
import { checkUrlFields, urlFieldsOf } from '../cimd/trust-policy.js';
import { validateClientMetadata } from '../clients/client-metadata.validator.js';
import { ClientsRepository } from '../clients/clients.repository.js';
import { ValidationReport } from '../clients/validation-report.js';
import { InvalidClientMetadata, InvalidRedirectUri } from '../oauth-errors/oauth-errors.js';
import { defaultAuthMethod, SERVER_ASSIGNED } from './registration-defaults.js';

export type RegistrationResponse = Record<string, unknown>;

/**
 * RFC 7591 dynamic client registration, kept for MCP clients that predate CIMD. The request passes
 * the same metadata validator as a CIMD document (plus the global metadata policy and the denylist);
 * the server assigns the client_id (never an https URL, CIMD -02 section 7.1) and, for secret-based
 * methods, a random secret that is returned once and stored only as its SHA-256.
 */
@Injectable()
export class RegistrationService {
  private readonly logger: AppLogger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ClientsRepository,
    private readonly audit: AuditLog,
    @Inject(CIMD_CONFIG) private readonly config: CimdConfig,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('Registration');
  }

  async register(body: unknown, ip: string | undefined): Promise<RegistrationResponse> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new InvalidClientMetadata('The registration request must be a JSON object of client metadata.', { detail: 'body is not a JSON object' });
    }
    const request: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    const ignored = SERVER_ASSIGNED.filter((name) => name in request);
    for (const name of [...SERVER_ASSIGNED, 'software_statement']) delete request[name];
    request.token_endpoint_auth_method ??= defaultAuthMethod(request);
    // MCP clients register with the scope of their first 401 challenge (the official SDK does), which
    // would make it a ceiling and break step-up authorization later. RFC 7591 section 3.2.1 lets the
    // server replace requested values: the requested scope is not kept, unless the operator's metadata
    // policy decides the scope.
    if (!('scope' in this.config.metadataPolicy)) delete request.scope;

    const policy = applyMetadataPolicy(request, this.config.metadataPolicy);
    if (!policy.ok) {
      throw new InvalidClientMetadata(`${policy.parameter} ${policy.reason}.`, { detail: 'metadata policy refused the registration' });
    }
    const clientId = `dcr_${randomId(16)}`;
    const report = new ValidationReport();
    const denied = checkUrlFields({ ...this.config.trust, mode: 'open' }, urlFieldsOf(policy.metadata));
    report.expect(denied.ok, 'denylist', denied.ok ? '' : denied.reason);
    const metadata = validateClientMetadata(
      policy.metadata,
      { clientId, source: 'dcr', profile: this.config.profile, allowLoopbackHttp: this.config.allowLoopbackHttp },
      report,
    );
    if (!metadata) {
      const failure = report.firstFailure!;
      const description = `${failure.check} ${failure.detail}`.slice(0, 500);
      if (failure.code === 'invalid_redirect_uri') throw new InvalidRedirectUri(`${description}.`, { detail: report.summary() });
      throw new InvalidClientMetadata(`${description}.`, { detail: report.summary() });
    }

    const now = this.clock.now();
    const withSecret = metadata.token_endpoint_auth_method === 'client_secret_basic' || metadata.token_endpoint_auth_method === 'client_secret_post';
    const secret = withSecret ? randomToken(32) : undefined;
    const secretExpiresAt = secret && this.config.dcr.secretTtlSeconds > 0 ? new Date(now.getTime() + this.config.dcr.secretTtlSeconds * 1000) : null;
    await this.dataSource.transaction(async (manager) => {
      await this.repository.insertRegistered(
        { clientId, metadata: { ...metadata }, secretHash: secret ? sha256Base64Url(secret) : null, secretExpiresAt },
        now,
        manager,
      );
      await this.audit.record(
        {
          context: 'authorization-server',
          actor: `registration:${ip ?? 'unknown'}`,
          action: 'client.registered',
          targetType: 'client',
          targetId: clientId,
          details: { client_name: metadata.client_name, token_endpoint_auth_method: metadata.token_endpoint_auth_method, redirect_uris: metadata.redirect_uris },
        },
        manager,
      );
    });
    this.logger.info('client registered', { clientId, method: metadata.token_endpoint_auth_method, ignored, notes: report.notes });
    return {
      ...metadata,
      client_id: clientId,
      client_id_issued_at: Math.floor(now.getTime() / 1000),
      ...(secret ? { client_secret: secret, client_secret_expires_at: secretExpiresAt ? Math.floor(secretExpiresAt.getTime() / 1000) : 0 } : {}),
    };
  }
}
