import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import express from 'express';
import { AppModule } from '../app.module.js';
import { bodyParsers } from '../common/http-server/body-parsers.js';
import { proxyTrust, type ClientAddress } from '../common/http-server/client-address.js';
import { DirectRoutes } from '../common/http-server/direct-routes.js';
import type { Role } from '../config/sections/server.js';
import { CLIENT_ADDRESS, type SharedServices } from '../core.module.js';
import type { RequestHandler } from './listener.js';
import { RequestPipeline } from './request-pipeline.js';

export interface RoleApplication {
  readonly role: Role;
  readonly app: INestApplication;
  /** Every request of the role: the pipeline, then a direct route or the framework's router. */
  readonly handler: RequestHandler;
  readonly pipeline: RequestPipeline;
}

/** Modules added to a role beside its own (operators' extensions; tests' probe routes). */
export type ExtraModules = Partial<Record<Role, readonly (Type | DynamicModule)[]>>;

export async function createRoleApplication(role: Role, shared: SharedServices, extra: ExtraModules = {}): Promise<RoleApplication> {
  const { server } = shared.config;
  const router = express();
  router.disable('x-powered-by');
  router.set('etag', false);
  router.set('query parser', 'simple');
  // X-Forwarded-* is believed only from the configured proxies (the same rule as CLIENT_ADDRESS).
  router.set('trust proxy', proxyTrust(server.trustProxy));

  const app = await NestFactory.create(AppModule.forRole(role, shared, extra[role]), new ExpressAdapter(router), {
    bodyParser: false,
    abortOnError: false,
    logger: shared.logger.framework(role),
  });
  for (const parser of bodyParsers(server.bodyLimitBytes)) app.use(parser);
  await app.init();
  const pipeline = new RequestPipeline(role, shared.logger.child('http'), app.get<ClientAddress>(CLIENT_ADDRESS));
  const directRoutes = app.get(DirectRoutes);
  const failed = (error: unknown, response: ServerResponse) => {
    shared.logger.failure('direct route failed', error, { role });
    response.destroy();
  };
  const handler: RequestHandler = (request, response) =>
    pipeline.handle(request, response, () => {
      const route = directRoutes.match(request);
      // A direct route answers its own errors; this only guards against a bug in doing so.
      if (route) route.handle(request, response).catch((error: unknown) => failed(error, response));
      else router(request, response);
    });
  return { role, app, handler, pipeline };
}
