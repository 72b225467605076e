import { Inject, Injectable } from '@nestjs/common';
import { TOKEN_GRANTS, type TokenGrant } from './grants/token-grant.js';

/** The grant types the token endpoint serves, keyed by grant_type; the metadata advertises exactly these. */
@Injectable()
export class GrantRegistry {
  private readonly byType: ReadonlyMap<string, TokenGrant>;

  constructor(@Inject(TOKEN_GRANTS) grants: TokenGrant[]) {
    this.byType = new Map(grants.map((grant) => [grant.grantType, grant]));
  }

  get(grantType: string): TokenGrant | undefined {
    return this.byType.get(grantType);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }
}
