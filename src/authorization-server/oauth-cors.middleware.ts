import type { NextFunction, Request, Response } from 'express';

/**
 * Browser-based MCP clients (for example MCP Inspector) call the token, revocation and registration
 * endpoints from another origin. These endpoints take no cookies, so any origin may call them (BCP
 * section 2.6 allows CORS here and forbids it at the authorization endpoint, which never gets these headers).
 */
export function oauthApiCors(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Access-Control-Allow-Origin', '*');
  if (request.method === 'OPTIONS') {
    response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
    response.setHeader('Access-Control-Max-Age', '600');
    response.status(204).end();
    return;
  }
  next();
}
