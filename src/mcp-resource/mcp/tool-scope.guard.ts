import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { insufficientScope } from '../bearer/bearer-challenge.js';
import { missingScopes, stepUpScopes } from '../bearer/scope-policy.js';
import { ProtectedResource } from '../protected-resource/protected-resource.js';
import { TOOL_SCOPES } from '../tickets/tools/ticket-tools.js';
import { principalOf } from './mcp-principal.js';
import { requiredScopes } from './tool-scope-requirements.js';

/**
 * Per tool call: a token without the tool's scope gets HTTP 403 insufficient_scope naming the scopes to
 * ask for (MCP 2025-11-25, Runtime Insufficient Scope Errors), before the MCP server sees the call. An
 * HTTP status is what the MCP SDK clients act on: they re-authorize with the challenged scope and retry.
 */
@Injectable()
export class ToolScopeGuard implements CanActivate {
  constructor(private readonly resource: ProtectedResource) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const required = requiredScopes(request.body, TOOL_SCOPES);
    if (required.length === 0) return true;
    const { scopes } = principalOf(request);
    const policy = this.resource.scopePolicy;
    const missing = missingScopes(scopes, required, policy);
    if (missing.length === 0) return true;
    throw insufficientScope(this.resource.stepUpChallenge(stepUpScopes(scopes, required, policy)), missing);
  }
}
