import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity.js';

@Injectable()
export class SigningKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository(SigningKeyEntity);
  }

  findActive(): Promise<SigningKeyEntity | null> {
    return this.keys.findOneBy({ status: 'active' });
  }

  /** The active key plus retired keys that must stay published until the tokens they signed expire. */
  findPublished(now: Date): Promise<SigningKeyEntity[]> {
    return this.keys
      .createQueryBuilder('key')
      .where(`key.status = 'active'`)
      .orWhere('key.publish_until > :now', { now })
      .orderBy('key.created_at', 'DESC')
      .getMany();
  }

  /** Stores the key as the active one unless another replica got there first. */
  async insertIfNoActive(key: SigningKeyEntity): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO as_signing_keys (kid, alg, public_jwk, private_key_ciphertext, status, created_at)
       VALUES ($1, $2, $3, $4, 'active', $5) ON CONFLICT DO NOTHING RETURNING kid`,
      [key.kid, key.alg, JSON.stringify(key.publicJwk), key.privateKeyCiphertext, key.createdAt],
    );
    return rows.length === 1;
  }

  /** Retires the active key (kept published until publishUntil) and makes the new key active, atomically. */
  async rotate(next: SigningKeyEntity, now: Date, publishUntil: Date): Promise<SigningKeyEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager
        .getRepository(SigningKeyEntity)
        .createQueryBuilder('key')
        .setLock('pessimistic_write')
        .where(`key.status = 'active'`)
        .getOne();
      if (current) {
        await manager.update(SigningKeyEntity, { kid: current.kid }, { status: 'retired', retiredAt: now, publishUntil });
      }
      await manager.insert(SigningKeyEntity, next);
      await manager
        .createQueryBuilder()
        .delete()
        .from(SigningKeyEntity)
        .where(`status = 'retired' AND publish_until < :now`, { now })
        .execute();
      return current;
    });
  }
}
