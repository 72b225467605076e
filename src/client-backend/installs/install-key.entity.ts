import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttestationFormat } from '../../config/sections/app-profiles.js';
import type { Assurance, DevicePublicJwk } from '../attestation/device-key.js';

/** A device key bound to an install, current or retired by rotation, with the evidence that admitted it. */
@Entity({ name: 'install_keys' })
export class InstallKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ name: 'install_id', type: 'text' })
  installId: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: DevicePublicJwk;

  @Column({ type: 'text' })
  format: AttestationFormat;

  @Column({ type: 'text' })
  assurance: Assurance;

  @Column({ type: 'jsonb' })
  evidence: { [name: string]: string | number | boolean | null | readonly string[] };

  /** The attestation as received (JSON of base64url parts). */
  @Column({ type: 'bytea' })
  attestation: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
