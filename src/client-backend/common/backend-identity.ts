import { Inject, Injectable } from '@nestjs/common';
import { BACKEND_CONFIG } from '../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';

/** How this backend names itself to devices and authorization servers. */
@Injectable()
export class BackendIdentity {
  /** BACKEND_PUBLIC_URL exactly as configured: the origin of every client_id, the audience of device requests. */
  readonly publicUrl: string;
  /** The RP ID devices put in authenticator data: the public URL's host name. */
  readonly rpId: string;

  constructor(@Inject(BACKEND_CONFIG) config: ClientBackendConfig) {
    this.publicUrl = config.publicUrl;
    this.rpId = new URL(config.publicUrl).hostname;
  }

  /** The install's client_id: the URL of its metadata document (CIMD section 3), never re-serialised. */
  clientId(installId: string): string {
    return `${this.publicUrl}/${installId}/client.json`;
  }
}
