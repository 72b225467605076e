import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { attachPrincipal } from '../mcp/mcp-principal.js';
import { ProtectedResource } from '../protected-resource/protected-resource.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { invalidBearerRequest, invalidToken, missingToken } from './bearer-challenge.js';
import { extractBearerToken } from './bearer-token-extraction.js';

/** Every Authorization field as sent: Node folds duplicates into the first one, so count the raw headers. */
function authorizationFields(request: Request): string[] {
  const fields: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i].toLowerCase() === 'authorization') fields.push(request.rawHeaders[i + 1]);
  }
  return fields;
}

/**
 * Every request to the MCP endpoint carries a valid access token for this resource (MCP 2025-11-25,
 * Token Requirements: sessions are not authentication). Refusals follow RFC 6750 section 3 and point at
 * the protected resource metadata (RFC 9728 section 5.1). The verified claims, not the token, go on.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly resource: ProtectedResource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const challenge = this.resource.challenge;
    const extracted = extractBearerToken({
      authorization: authorizationFields(request),
      query: (request.query ?? {}) as Record<string, unknown>,
      contentType: request.headers['content-type'],
      body: request.body,
    });
    if (extracted.kind === 'missing') throw missingToken(challenge, extracted.detail);
    if (extracted.kind === 'invalid_request') throw invalidBearerRequest(challenge, extracted.description, extracted.detail);
    const verified = await this.verifier.verify(extracted.token);
    if (!verified.ok) throw invalidToken(challenge, verified.reason);
    attachPrincipal(request, verified.value);
    return true;
  }
}
