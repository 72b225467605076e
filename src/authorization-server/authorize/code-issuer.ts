import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock.js';
import { randomToken } from '../../common/crypto/random.js';
import { OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import { AuthorizationCodesRepository } from '../grants/authorization-codes.repository.js';
import { ConsentsRepository } from '../grants/consents.repository.js';
import { GrantsRepository } from '../grants/grants.repository.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { InteractionsRepository } from './interactions.repository.js';

export interface CodeIssue {
  readonly request: AuthorizationRequest;
  readonly userId: string;
  readonly authTime: Date;
  /** The pending interaction this decision completes (absent for a silent re-authorization). */
  readonly interactionId?: string;
}

/**
 * Records the user's approval: completes the interaction (once), remembers the consent, creates the
 * grant and a random, hashed, short-lived code bound to client, redirect URI, PKCE challenge, scopes,
 * resources and user (OAuth 2.1 section 4.1.2), all in one transaction.
 */
@Injectable()
export class CodeIssuer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly interactions: InteractionsRepository,
    private readonly consents: ConsentsRepository,
    private readonly grants: GrantsRepository,
    private readonly codes: AuthorizationCodesRepository,
    private readonly clock: Clock,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
  ) {}

  /** The code, or undefined when the interaction was already decided. */
  async issue({ request, userId, authTime, interactionId }: CodeIssue): Promise<string | undefined> {
    const now = this.clock.now();
    const code = randomToken();
    const grantId = randomUUID();
    const issued = await this.dataSource.transaction(async (manager) => {
      if (interactionId !== undefined && !(await this.interactions.complete(interactionId, now, manager))) return false;
      await this.consents.remember(userId, request.clientId, request.resources, request.scopes, now, manager);
      await this.grants.insert(
        {
          id: grantId,
          clientId: request.clientId,
          userId,
          scopes: request.scopes,
          resources: request.resources,
          authMethod: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000),
          revokedAt: null,
        },
        manager,
      );
      await this.codes.insert(
        code,
        {
          grantId,
          clientId: request.clientId,
          userId,
          redirectUri: request.redirectUri,
          codeChallenge: request.codeChallenge,
          scopes: request.scopes,
          resources: request.resources,
          authTime,
          expiresAt: new Date(now.getTime() + this.config.codeTtlSeconds * 1000),
        },
        manager,
      );
      return true;
    });
    return issued ? code : undefined;
  }

  /** The user said no: the interaction is over (once) and nothing is granted. */
  async decline(interactionId: string): Promise<boolean> {
    return this.dataSource.transaction((manager) => this.interactions.complete(interactionId, this.clock.now(), manager));
  }
}
