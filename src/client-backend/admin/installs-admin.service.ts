import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { ApiError } from '../../common/errors/protocol-error.js';
import { BackendIdentity } from '../common/backend-identity.js';
import { installErrors } from '../installs/install-errors.js';
import { INSTALL_ID, installView } from '../installs/install.view.js';
import { InstallsRepository } from '../installs/installs.repository.js';
import { InstallsQueryRepository } from './installs-query.repository.js';
import { decodeCursor, encodeCursor, type ListInstallsQuery } from './list-installs.query.js';

const DEFAULT_PAGE = 50;
const PROFILE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The operator's view of installs, and revocation by deletion. */
@Injectable()
export class InstallsAdmin {
  constructor(
    private readonly installs: InstallsRepository,
    private readonly queries: InstallsQueryRepository,
    private readonly identity: BackendIdentity,
    private readonly clock: Clock,
  ) {}

  async list(query: ListInstallsQuery): Promise<Record<string, unknown>> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw new ApiError(400, 'invalid_request', 'cursor is not a cursor returned by this API.');
    const limit = query.limit ?? DEFAULT_PAGE;
    const { rows, more } = await this.queries.list(
      {
        profileId: query.profile_id,
        platform: query.platform,
        assurance: query.assurance,
        status: query.status ?? 'active',
        createdAfter: query.created_after ? new Date(query.created_after) : undefined,
        createdBefore: query.created_before ? new Date(query.created_before) : undefined,
      },
      limit,
      after,
    );
    const last = rows[rows.length - 1];
    return {
      installs: rows.map((install) => installView(install, this.identity.clientId(install.id))),
      next_cursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
    };
  }

  async show(id: string): Promise<Record<string, unknown>> {
    const install = INSTALL_ID.test(id) ? await this.installs.find(id) : null;
    if (!install) throw installErrors.notFound(id);
    const [keys, audit] = await Promise.all([this.installs.keys(id), this.queries.auditTrail(id)]);
    return {
      ...installView(install, this.identity.clientId(id)),
      keys: keys.map((key) => ({
        kid: key.kid,
        format: key.format,
        assurance: key.assurance,
        evidence: key.evidence,
        created_at: key.createdAt.toISOString(),
        retired_at: key.retiredAt?.toISOString() ?? null,
      })),
      audit: audit.map((entry) => ({ at: new Date(entry.at).toISOString(), actor: entry.actor, action: entry.action, details: entry.details, request_id: entry.request_id })),
    };
  }

  /** 404 for an unknown id, 410 when it was already deleted. */
  async delete(id: string): Promise<void> {
    const install = INSTALL_ID.test(id) ? await this.installs.find(id) : null;
    if (!install) throw installErrors.notFound(id);
    if (!(await this.installs.delete(id, 'operator', this.clock.now()))) throw installErrors.deleted(id);
  }

  /** Deletes every active install of the profile, configured or not (an app withdrawn from configuration). */
  async deleteProfile(profileId: string): Promise<Record<string, unknown>> {
    if (!PROFILE_ID.test(profileId)) throw new ApiError(400, 'invalid_request', 'profile_id is not a valid profile id.');
    return { profile_id: profileId, deleted: await this.installs.deleteProfile(profileId, this.clock.now()) };
  }
}
