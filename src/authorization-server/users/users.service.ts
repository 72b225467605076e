import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { randomId } from '../../common/crypto/random.js';
import { AppLogger } from '../../common/logging/app-logger.js';
import { OAUTH_CONFIG } from '../../config/config.tokens.js';
import type { OAuthConfig } from '../../config/sections/oauth.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hasher.js';
import { UsersRepository, type User } from './users.repository.js';

const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

export class UserInputError extends Error {}

@Injectable()
export class UsersService implements OnModuleInit {
  private readonly logger: AppLogger;

  constructor(
    private readonly users: UsersRepository,
    private readonly clock: Clock,
    @Inject(OAUTH_CONFIG) private readonly config: OAuthConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child('Users');
  }

  /** Development mode: make sure the demo user exists (idempotent, safe with several replicas). */
  async onModuleInit(): Promise<void> {
    const demo = this.config.demoUser;
    if (!demo) return;
    if (await this.users.findByUsername(demo.username)) return;
    if (await this.create(demo.username, demo.password, 'Demo User').catch(() => undefined)) {
      this.logger.warn('created the development demo user', { username: demo.username });
    }
  }

  async create(username: string, password: string, displayName?: string): Promise<User> {
    if (!USERNAME.test(username)) throw new UserInputError('A username is 1 to 64 letters, digits, or . _ @ -');
    if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      throw new UserInputError(`A password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`);
    }
    const user: User = {
      id: `usr_${randomId(16)}`,
      username,
      passwordHash: await hashPassword(password),
      displayName: displayName ?? null,
      createdAt: this.clock.now(),
    };
    if (!(await this.users.insert(user))) throw new UserInputError(`The username ${username} is taken.`);
    return user;
  }

  /** The user when the password is right; the same work is done for an unknown username. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    if (!USERNAME.test(username) || password.length > MAX_PASSWORD_LENGTH) {
      await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), await dummyPasswordHash());
      return undefined;
    }
    const user = await this.users.findByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    return ok && user ? user : undefined;
  }

  findById(id: string): Promise<User | undefined> {
    return this.users.findById(id);
  }
}
