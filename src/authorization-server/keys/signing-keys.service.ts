import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { Clock } from '../../common/clock/clock.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { AS_CONFIG } from '../../config/config.tokens.js';
import type { AuthorizationServerConfig } from '../../config/sections/authorization-server.js';
import { decryptPrivateKey } from './key-encryption.js';
import { KeyEncryptionKey } from './key-encryption-key.js';
import { generateSigningKey } from './signing-key.factory.js';
import type { SigningKeyEntity } from './signing-key.entity.js';
import { rotateSigningKey, type RotationResult } from './signing-key-rotation.js';
import { SigningKeysRepository } from './signing-keys.repository.js';

export interface ActiveSigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA';
  readonly key: CryptoKey | KeyObject;
}

interface KeyView {
  readonly loadedAt: number;
  readonly active: ActiveSigningKey;
  readonly jwks: { keys: JWK[] };
}

/**
 * The AS signing keys: creates the first one at start, signs with the active one, publishes the active
 * and still-needed retired public keys. Each replica refreshes its view every keyCacheSeconds, so a
 * rotation made by the command reaches all of them.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private view?: KeyView;
  private loading?: Promise<KeyView>;
  private readonly logger: AppLogger;

  constructor(
    private readonly repository: SigningKeysRepository,
    private readonly kek: KeyEncryptionKey,
    @Inject(AS_CONFIG) private readonly config: AuthorizationServerConfig,
    private readonly clock: Clock,
    logger: AppLogger,
  ) {
    this.logger = logger.child('SigningKeys');
  }

  async onModuleInit(): Promise<void> {
    await this.ensureActiveKey();
    await this.refresh();
  }

  async ensureActiveKey(): Promise<void> {
    if (await this.repository.findActive()) return;
    const key = await generateSigningKey(this.config.signingAlg, this.kek.key, this.clock.now());
    if (await this.repository.insertIfNoActive(key)) {
      this.logger.info('created the first signing key', { kid: key.kid, alg: key.alg });
    }
  }

  /** Retires the active key, keeping it published until the tokens it signed have expired. */
  async rotate(): Promise<RotationResult> {
    const result = await rotateSigningKey(this.repository, this.kek.key, this.config, this.clock);
    this.view = undefined;
    this.logger.info('rotated the signing key', { ...result });
    return result;
  }

  async activeKey(): Promise<ActiveSigningKey> {
    return (await this.current()).active;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return (await this.current()).jwks;
  }

  private async current(): Promise<KeyView> {
    const maxAgeMs = this.config.keyCacheSeconds * 1000;
    if (this.view && this.clock.nowMs() - this.view.loadedAt < maxAgeMs) return this.view;
    return this.refresh();
  }

  private refresh(): Promise<KeyView> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<KeyView> {
    const now = this.clock.now();
    const published = await this.repository.findPublished(now);
    let active = published.find((key) => key.status === 'active');
    if (!active) {
      await this.ensureActiveKey();
      active = (await this.repository.findActive()) ?? undefined;
      if (!active) throw new Error('no active signing key could be created');
      published.unshift(active);
    }
    const view: KeyView = {
      loadedAt: now.getTime(),
      active: { kid: active.kid, alg: active.alg, key: await this.privateKey(active) },
      // The signing key first, then retired keys, newest first.
      jwks: { keys: [active, ...published.filter((key) => key.kid !== active.kid)].map((key) => ({ ...key.publicJwk })) },
    };
    this.view = view;
    return view;
  }

  private async privateKey(entity: SigningKeyEntity): Promise<CryptoKey | KeyObject> {
    let jwk: JWK;
    try {
      jwk = JSON.parse(decryptPrivateKey(this.kek.key, entity.kid, entity.privateKeyCiphertext)) as JWK;
    } catch (error) {
      throw new Error(`signing key ${entity.kid} can't be decrypted with the configured key-encryption key`, { cause: error });
    }
    const key = await importJWK(jwk, entity.alg);
    if (key instanceof Uint8Array) throw new Error(`signing key ${entity.kid} is not an asymmetric key`);
    return key;
  }
}
