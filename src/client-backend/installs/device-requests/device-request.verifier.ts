import { Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { Request } from 'express';
import { Clock } from '../../../common/clock/clock.js';
import { IntervalGate } from '../../../common/clock/interval-gate.js';
import { sha256Base64Url } from '../../../common/crypto/hash.js';
import { BackendIdentity } from '../../common/backend-identity.js';
import type { InstallEntity } from '../install.entity.js';
import { installErrors } from '../install-errors.js';
import { DEVICE_REQUEST_MAX_LIFETIME_SECONDS, deviceRequestProblem } from './device-request-claims.js';
import { RequestJtisRepository } from './request-jtis.repository.js';

const AUTHORIZATION = /^DeviceJWT ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
const MAX_TOKEN_LENGTH = 4096;

/**
 * `Authorization: DeviceJWT <jwt>`: a short-lived JWT signed by the install's current device key, for
 * this exact request (htm, htu), with a jti that is accepted once. Every failure is 401.
 */
@Injectable()
export class DeviceRequestVerifier {
  private readonly cleanup = new IntervalGate(60_000);

  constructor(
    private readonly identity: BackendIdentity,
    private readonly jtis: RequestJtisRepository,
    private readonly clock: Clock,
  ) {}

  async verify(request: Request, install: InstallEntity): Promise<void> {
    const header = request.header('authorization') ?? '';
    const match = header.length <= MAX_TOKEN_LENGTH + 10 ? AUTHORIZATION.exec(header) : null;
    if (!match) throw installErrors.deviceUnauthorized(header ? 'malformed DeviceJWT authorization header' : 'no DeviceJWT authorization header');
    const token = match[1];
    let claims: Record<string, unknown>;
    let protectedHeader: Record<string, unknown>;
    try {
      protectedHeader = decodeProtectedHeader(token) as Record<string, unknown>;
      const key = await importJWK({ kty: 'EC', crv: 'P-256', x: install.publicJwk.x, y: install.publicJwk.y }, 'ES256');
      const { payload } = await compactVerify(token, key, { algorithms: ['ES256'] });
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
      if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('payload is not a JSON object');
    } catch (error) {
      throw installErrors.deviceUnauthorized(`signature or encoding: ${(error as Error).message}`);
    }
    const nowSeconds = this.clock.nowSeconds();
    const problem = deviceRequestProblem(protectedHeader, claims, {
      clientId: this.identity.clientId(install.id),
      audience: this.identity.publicUrl,
      method: request.method,
      url: `${this.identity.publicUrl}${request.path}`,
      kid: install.kid,
      nowSeconds,
    });
    if (problem) throw installErrors.deviceUnauthorized(problem);
    const expiresAt = new Date((Math.max(claims.exp as number, nowSeconds) + DEVICE_REQUEST_MAX_LIFETIME_SECONDS) * 1000);
    if (!(await this.jtis.recordOnce(install.id, sha256Base64Url(claims.jti as string), expiresAt))) {
      throw installErrors.deviceUnauthorized('jti was already used');
    }
    if (this.cleanup.due(this.clock.nowMs())) this.jtis.deleteExpired(this.clock.now()).catch(() => undefined);
  }
}
