import { Controller, Module, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { McpPrincipal } from '../src/mcp-resource/mcp/mcp-principal.js';
import { McpRequestHandler } from '../src/mcp-resource/mcp/mcp-request.handler.js';
import { McpResourceModule } from '../src/mcp-resource/mcp-resource.module.js';

/** The principal the unguarded route serves: the same user the benchmark's token names. */
export const BENCH_PRINCIPAL: McpPrincipal = {
  subject: 'bench-user',
  clientId: 'https://bench.example.test/client.json',
  scopes: ['mcp:tickets:read', 'mcp:tickets:write'],
  expiresAt: Number.MAX_SAFE_INTEGER,
  issuedAt: 0,
  jwtId: 'bench',
};

/** The MCP endpoint without the Origin, bearer and scope guards: the benchmark's baseline. */
@Controller('bench')
class UnguardedMcpController {
  constructor(private readonly handler: McpRequestHandler) {}

  @Post('unguarded-mcp')
  async post(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.handler.handle(request, response, BENCH_PRINCIPAL);
  }
}

/**
 * Benchmark-only: lives under bench/, is added to the mcp-resource role by the benchmark harness
 * through startSystem's extra modules, and is imported by nothing in src/, so no deployment has it.
 */
@Module({ imports: [McpResourceModule], controllers: [UnguardedMcpController] })
export class McpUnguardedBenchModule {}
