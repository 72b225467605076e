import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * A test-only module that records every request a role receives (method, path, query, headers), to
 * assert on what another role sent it.
 */
export function requestRecorder(): { module: DynamicModule; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  @Module({})
  class RequestRecorderModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer
        .apply((request: Request, _response: Response, next: NextFunction) => {
          const url = new URL(request.originalUrl, 'http://recorder');
          requests.push({ method: request.method, path: url.pathname, query: url.search, headers: { ...request.headers } });
          next();
        })
        .forRoutes('*path');
    }
  }
  return { module: { module: RequestRecorderModule }, requests };
}
