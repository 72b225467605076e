import { Controller, Get, Header } from '@nestjs/common';
import type { JWK } from 'jose';
import { SigningKeysService } from './signing-keys.service.js';

/** jwks_uri (RFC 8414 section 2): the public halves of the active and still-published keys. */
@Controller()
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks')
  @Header('Content-Type', 'application/jwk-set+json; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=60')
  @Header('Access-Control-Allow-Origin', '*')
  jwks(): Promise<{ keys: JWK[] }> {
    return this.keys.jwks();
  }
}
