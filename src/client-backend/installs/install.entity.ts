import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttestationFormat, Platform } from '../../config/sections/app-profiles.js';
import type { Assurance, DevicePublicJwk } from '../attestation/device-key.js';

export type InstallStatus = 'active' | 'deleted';

/** One app install: a confidential OAuth client whose metadata document publishes its current device key. */
@Entity({ name: 'installs' })
export class InstallEntity {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'profile_id', type: 'text' })
  profileId: string;

  @Column({ type: 'text' })
  platform: Platform;

  @Column({ type: 'text' })
  status: InstallStatus;

  @Column({ type: 'text' })
  format: AttestationFormat;

  @Column({ type: 'text' })
  assurance: Assurance;

  /** RFC 7638 thumbprint of the current key. */
  @Column({ type: 'text' })
  kid: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: DevicePublicJwk;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'key_rotated_at', type: 'timestamptz', nullable: true })
  keyRotatedAt: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  /** `device` or `operator`. */
  @Column({ name: 'deleted_by', type: 'text', nullable: true })
  deletedBy: string | null;
}
