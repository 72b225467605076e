import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { AdminCredential } from '../../config/sections/admin.js';
import { ApiError } from '../errors/protocol-error.js';

/** Provided by each role module that has an operator API. */
export const ADMIN_CREDENTIAL = Symbol('AdminCredential');

/** True when the bearer token hashes to the configured SHA-256, compared in constant time. */
export function isAdminToken(token: string, credential: AdminCredential): boolean {
  if (!credential.sha256Hex) return false;
  const presented = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(presented, Buffer.from(credential.sha256Hex, 'hex'));
}

/** Operator APIs: `Authorization: Bearer <admin token>`. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(ADMIN_CREDENTIAL) private readonly credential: AdminCredential) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.header('authorization') ?? '');
    if (!match || !isAdminToken(match[1], this.credential)) {
      throw new ApiError(401, 'unauthorized', 'A valid admin bearer token is required.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="admin"' },
        detail: match ? 'admin token mismatch' : 'no bearer token',
      });
    }
    return true;
  }
}
