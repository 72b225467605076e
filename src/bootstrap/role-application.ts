import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import express from 'express';
import { AppModule } from '../app.module.js';
import type { Role } from '../config/sections/server.js';
import type { SharedServices } from '../core.module.js';
import { bodyParsers } from './body-parsers.js';
import { RequestPipeline } from './request-pipeline.js';

export interface RoleApplication {
  readonly role: Role;
  readonly app: INestApplication;
  readonly handler: express.Express;
  readonly pipeline: RequestPipeline;
}

/** Modules added to a role beside its own (operators' extensions; tests' probe routes). */
export type ExtraModules = Partial<Record<Role, readonly (Type | DynamicModule)[]>>;

export async function createRoleApplication(role: Role, shared: SharedServices, extra: ExtraModules = {}): Promise<RoleApplication> {
  const { server } = shared.config;
  const handler = express();
  handler.disable('x-powered-by');
  handler.set('etag', false);
  handler.set('query parser', 'simple');
  // X-Forwarded-* is believed only from the configured proxies.
  handler.set('trust proxy', server.trustProxy.length > 0 ? [...server.trustProxy] : false);
  const pipeline = new RequestPipeline(role, shared.logger.child('http'));
  handler.use(pipeline.middleware);

  const app = await NestFactory.create(AppModule.forRole(role, shared, extra[role]), new ExpressAdapter(handler), {
    bodyParser: false,
    abortOnError: false,
    logger: shared.logger.framework(role),
  });
  for (const parser of bodyParsers(server.bodyLimitBytes)) app.use(parser);
  await app.init();
  return { role, app, handler, pipeline };
}
