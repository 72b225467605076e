import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { Clock } from '../../common/clock/clock.js';
import { attestationErrors } from '../attestation/attestation-errors.js';
import { parseAttestationInput } from '../attestation/attestation-input.parser.js';
import { AttestationVerifier } from '../attestation/attestation.verifier.js';
import { ASSURANCE_RANK } from '../attestation/device-key.js';
import { AppProfiles } from '../profiles/app-profiles.service.js';
import { DeviceRequestVerifier } from './device-requests/device-request.verifier.js';
import type { InstallEntity } from './install.entity.js';
import { installErrors } from './install-errors.js';
import { INSTALL_ID } from './install.view.js';
import { InstallsRepository } from './installs.repository.js';

/** Lifecycle requests an install makes about itself, each signed by its current device key. */
@Injectable()
export class DeviceInstalls {
  constructor(
    private readonly installs: InstallsRepository,
    private readonly deviceRequests: DeviceRequestVerifier,
    private readonly profiles: AppProfiles,
    private readonly attestation: AttestationVerifier,
    private readonly clock: Clock,
  ) {}

  /** 404 for an id that never existed, 410 for a deleted install, 401 unless the device signed the request. */
  private async authorize(request: Request, id: string): Promise<InstallEntity> {
    const install = INSTALL_ID.test(id) ? await this.installs.find(id) : null;
    if (!install) throw installErrors.notFound(id);
    if (install.status === 'deleted') throw installErrors.deleted(id);
    await this.deviceRequests.verify(request, install);
    return install;
  }

  /** A concurrent request changed the install between our read and our compare-and-set. */
  private async lostRace(id: string): Promise<Error> {
    const current = await this.installs.find(id);
    return current?.status === 'deleted' ? installErrors.deleted(id) : installErrors.deviceUnauthorized('the signing key is no longer the current key');
  }

  /** Replaces the device key; the new key needs a new attestation that meets the profile's policy. */
  async rotateKey(request: Request, id: string, attestation: Record<string, unknown>): Promise<InstallEntity> {
    const install = await this.authorize(request, id);
    if (!this.profiles.find(install.profileId)) throw installErrors.profileWithdrawn(id, install.profileId);
    const { profile, policy } = this.profiles.require(install.profileId, install.platform);
    const key = await this.attestation.verify(parseAttestationInput(attestation), { profile, platform: install.platform, policy });
    if (ASSURANCE_RANK[key.assurance] < ASSURANCE_RANK[install.assurance]) throw attestationErrors.assuranceDowngrade(install.assurance, key.assurance);
    if (!(await this.installs.rotateKey(id, install.kid, key, this.clock.now()))) throw await this.lostRace(id);
    return (await this.installs.find(id))!;
  }

  async delete(request: Request, id: string): Promise<void> {
    const install = await this.authorize(request, id);
    if (!(await this.installs.delete(id, 'device', this.clock.now(), install.kid))) throw await this.lostRace(id);
  }
}
