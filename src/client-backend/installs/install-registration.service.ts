import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { randomId } from '../../common/crypto/random.js';
import type { Platform } from '../../config/sections/app-profiles.js';
import { parseAttestationInput } from '../attestation/attestation-input.parser.js';
import { AttestationVerifier } from '../attestation/attestation.verifier.js';
import { AppProfiles } from '../profiles/app-profiles.service.js';
import { InstallEntity } from './install.entity.js';
import { InstallsRepository } from './installs.repository.js';
import type { RegisterInstallDto } from './register-install.dto.js';

/** A device proves its key lives in secure hardware and gets a confidential client identity of its own. */
@Injectable()
export class InstallRegistration {
  constructor(
    private readonly profiles: AppProfiles,
    private readonly attestation: AttestationVerifier,
    private readonly installs: InstallsRepository,
    private readonly clock: Clock,
  ) {}

  async register(request: RegisterInstallDto): Promise<InstallEntity> {
    const { profile, policy } = this.profiles.require(request.profile_id, request.platform);
    const input = parseAttestationInput(request.attestation);
    const platform = request.platform as Platform;
    const key = await this.attestation.verify(input, { profile, platform, policy });
    const install = Object.assign(new InstallEntity(), {
      // Server-generated, 128 bits: unguessable, and never reused (deleted installs keep their row).
      id: randomId(16),
      profileId: profile.id,
      platform,
      status: 'active',
      format: key.format,
      assurance: key.assurance,
      kid: key.jwk.kid,
      publicJwk: key.jwk,
      createdAt: this.clock.now(),
      keyRotatedAt: null,
      deletedAt: null,
      deletedBy: null,
    } satisfies InstallEntity);
    await this.installs.create(install, key);
    return install;
  }
}
