import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

export type SigningKeyStatus = 'active' | 'retired';

/** An AS signing key. The private part is stored encrypted under the key-encryption key. */
@Entity({ name: 'as_signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'text' })
  kid: string;

  @Column({ type: 'text' })
  alg: 'ES256' | 'EdDSA';

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: JWK;

  @Column({ name: 'private_key_ciphertext', type: 'bytea' })
  privateKeyCiphertext: Buffer;

  @Column({ type: 'text' })
  status: SigningKeyStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /** A retired key stays in the JWKS until every token it signed has expired. */
  @Column({ name: 'publish_until', type: 'timestamptz', nullable: true })
  publishUntil: Date | null;
}
