import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditLog } from './common/audit/audit-log.js';
import { Clock } from './common/clock/clock.js';
import { RateLimiter } from './common/rate-limit/rate-limiter.js';
import { ErrorFilter } from './common/errors/error.filter.js';
import { ErrorResponder } from './common/errors/error-responder.js';
import { formBodyReader } from './common/http-server/body-parsers.js';
import { clientAddressResolver } from './common/http-server/client-address.js';
import { DirectRoutes } from './common/http-server/direct-routes.js';
import { HealthController } from './common/health/health.controller.js';
import { AppLogger } from './common/logging/app-logger.js';
import type { AppConfig } from './config/app-config.js';
import { CounterAndJtiWrites } from './persistence/counter-and-jti-writes.js';
import {
  APP_CONFIG,
  AS_CONFIG,
  BACKEND_CONFIG,
  CIMD_CONFIG,
  DATABASE_CONFIG,
  MCP_CONFIG,
  OAUTH_CONFIG,
  RATE_LIMITS_CONFIG,
  SERVER_CONFIG,
} from './config/config.tokens.js';
import type { Role } from './config/sections/server.js';

/** What every role shares with the others in one process: configuration, database, clock, logger. */
export interface SharedServices {
  readonly config: AppConfig;
  readonly dataSource: DataSource;
  readonly logger: AppLogger;
  readonly clock: Clock;
}

export const ROLE = Symbol('Role');
/** The address a request came from, by the TRUST_PROXY rule (see clientAddressResolver). */
export const CLIENT_ADDRESS = Symbol('ClientAddress');
/** Reads a form body for a DirectRoute, with the BODY_LIMIT of every route. */
export const FORM_BODY = Symbol('FormBody');

@Global()
@Module({})
export class CoreModule {
  static forRole(role: Role, shared: SharedServices): DynamicModule {
    const { config } = shared;
    const providers = [
      { provide: ROLE, useValue: role },
      { provide: APP_CONFIG, useValue: config },
      { provide: SERVER_CONFIG, useValue: config.server },
      { provide: DATABASE_CONFIG, useValue: config.database },
      { provide: AS_CONFIG, useValue: config.authorizationServer },
      { provide: OAUTH_CONFIG, useValue: config.oauth },
      { provide: BACKEND_CONFIG, useValue: config.clientBackend },
      { provide: MCP_CONFIG, useValue: config.mcpResource },
      { provide: RATE_LIMITS_CONFIG, useValue: config.rateLimits },
      { provide: CIMD_CONFIG, useValue: config.cimd },
      { provide: DataSource, useValue: shared.dataSource },
      { provide: AppLogger, useValue: shared.logger },
      { provide: Clock, useValue: shared.clock },
      { provide: ErrorResponder, useValue: new ErrorResponder(shared.logger) },
      { provide: CLIENT_ADDRESS, useValue: clientAddressResolver(config.server.trustProxy) },
      { provide: FORM_BODY, useValue: formBodyReader(config.server.bodyLimitBytes) },
      DirectRoutes,
      CounterAndJtiWrites,
      RateLimiter,
      AuditLog,
    ];
    return {
      module: CoreModule,
      controllers: [HealthController],
      providers: [...providers, { provide: APP_FILTER, useFactory: (responder: ErrorResponder) => new ErrorFilter(responder), inject: [ErrorResponder] }],
      exports: providers.map((provider) => ('provide' in provider ? provider.provide : provider)),
    };
  }
}
