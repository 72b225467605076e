import { Body, Controller, Get, Injectable, Module, Post, Query, Req, type OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import { DirectRoutes, type DirectRoute } from '../../src/common/http-server/direct-routes.js';
import { InvalidClient, InvalidGrant } from '../../src/authorization-server/oauth-errors/oauth-errors.js';

/** Test-only routes added to a role, to exercise the HTTP plumbing every real route relies on. */
@Controller('probe')
class ProbeController {
  @Get('invalid-grant')
  invalidGrant(): never {
    throw new InvalidGrant('code was already redeemed (probe)');
  }

  @Get('invalid-client')
  invalidClient(): never {
    throw new InvalidClient('assertion signature did not verify (probe)', { basicChallenge: true });
  }

  @Get('crash')
  crash(): never {
    throw new Error('internal detail: connection string postgres://secret@db');
  }

  @Get('slow')
  async slow(@Query('ms') ms = '300'): Promise<{ slept: number }> {
    await new Promise((resolve) => setTimeout(resolve, Number(ms)));
    return { slept: Number(ms) };
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return { body: body ?? null };
  }

  @Get('client')
  client(@Req() request: Request): { ip: string | undefined; protocol: string } {
    return { ip: request.ip, protocol: request.protocol };
  }
}

/** A direct route with a bug: it rejects instead of answering. */
@Injectable()
class FailingDirectRoute implements DirectRoute, OnModuleInit {
  readonly method = 'POST';
  readonly path = '/probe/direct-failure';

  constructor(private readonly routes: DirectRoutes) {}

  onModuleInit(): void {
    this.routes.add(this);
  }

  handle(): Promise<void> {
    return Promise.reject(new Error('direct route bug (probe)'));
  }
}

@Module({ controllers: [ProbeController], providers: [FailingDirectRoute] })
export class ProbeModule {}
