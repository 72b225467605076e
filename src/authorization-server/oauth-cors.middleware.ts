import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** The CORS answer of the OAuth APIs to an actual request (the token endpoint's DirectRoute sends it too). */
export function allowAnyOrigin(response: ServerResponse): void {
  response.setHeader('Access-Control-Allow-Origin', '*');
}

/**
 * Browser-based MCP clients (for example MCP Inspector) call the token, revocation and registration
 * endpoints from another origin. These endpoints take no cookies, so any origin may call them (BCP
 * section 2.6 allows CORS here and forbids it at the authorization endpoint, which never gets these headers).
 */
export function oauthApiCors(request: Request, response: Response, next: NextFunction): void {
  allowAnyOrigin(response);
  if (request.method === 'OPTIONS') {
    response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP');
    response.setHeader('Access-Control-Max-Age', '600');
    response.status(204).end();
    return;
  }
  next();
}
