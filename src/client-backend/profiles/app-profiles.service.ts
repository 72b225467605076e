import { Inject, Injectable } from '@nestjs/common';
import { BACKEND_CONFIG } from '../../config/config.tokens.js';
import type { AppProfile, Platform, PlatformPolicy } from '../../config/sections/app-profiles.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';
import { attestationErrors } from '../attestation/attestation-errors.js';

/** The configured app profiles, looked up by id. */
@Injectable()
export class AppProfiles {
  private readonly byId: ReadonlyMap<string, AppProfile>;

  constructor(@Inject(BACKEND_CONFIG) config: ClientBackendConfig) {
    this.byId = new Map(config.profiles.map((profile) => [profile.id, profile]));
  }

  find(profileId: string): AppProfile | undefined {
    return this.byId.get(profileId);
  }

  /** The profile and its policy for the platform; 400 unknown_profile / unsupported_platform otherwise. */
  require(profileId: string, platform: string): { profile: AppProfile; policy: PlatformPolicy } {
    const profile = this.byId.get(profileId);
    if (!profile) throw attestationErrors.unknownProfile(profileId);
    const policy = Object.hasOwn(profile.platforms, platform) ? profile.platforms[platform as Platform] : undefined;
    if (!policy) throw attestationErrors.unsupportedPlatform(profileId, platform);
    return { profile, policy };
  }
}
