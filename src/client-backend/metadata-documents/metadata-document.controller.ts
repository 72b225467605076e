import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sha256Base64Url } from '../../common/crypto/hash.js';
import { BACKEND_CONFIG } from '../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';
import { BackendIdentity } from '../common/backend-identity.js';
import { DocumentCache, type RenderedDocument } from '../installs/document-cache.js';
import { installErrors } from '../installs/install-errors.js';
import { INSTALL_ID } from '../installs/install.view.js';
import { InstallsRepository } from '../installs/installs.repository.js';
import { AppProfiles } from '../profiles/app-profiles.service.js';
import { ifNoneMatchMatches } from './entity-tag.js';
import { renderMetadataDocument } from './metadata-document.js';

/**
 * GET /<install-id>/client.json: 200 with the document, 304 when If-None-Match names its ETag, 404 for
 * an id that never existed and 410 once deleted (JSON error, no-store: CIMD section 5.2 forbids caching
 * errors). Only the exact client_id URL serves a document: no redirects, no variants, no query.
 */
@Controller()
export class MetadataDocumentController {
  private readonly cacheControl: string;

  constructor(
    private readonly installs: InstallsRepository,
    private readonly profiles: AppProfiles,
    private readonly identity: BackendIdentity,
    private readonly cache: DocumentCache,
    @Inject(BACKEND_CONFIG) config: ClientBackendConfig,
  ) {
    // The max-age bounds how long an AS may keep using a document after the install is deleted.
    this.cacheControl = `public, max-age=${config.documentMaxAgeSeconds}`;
  }

  @Get(':installId/client.json')
  async document(@Param('installId') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (!INSTALL_ID.test(id) || request.originalUrl !== `/${id}/client.json`) throw installErrors.notFound(id);
    const { body, etag } = this.cache.get(id) ?? (await this.render(id));
    response.setHeader('Cache-Control', this.cacheControl);
    response.setHeader('ETag', etag);
    if (ifNoneMatchMatches(request.header('if-none-match'), etag)) {
      response.status(304).end();
      return;
    }
    response.status(200);
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.end(body);
  }

  private async render(id: string): Promise<RenderedDocument> {
    const row = await this.installs.documentRow(id);
    if (!row) throw installErrors.notFound(id);
    if (row.status === 'deleted') throw installErrors.deleted(id);
    const profile = this.profiles.find(row.profileId);
    if (!profile) throw installErrors.profileWithdrawn(id, row.profileId);
    const body = JSON.stringify(renderMetadataDocument(profile, this.identity.clientId(id), row.publicJwk));
    const document = { body, etag: `"${sha256Base64Url(body)}"` };
    this.cache.set(id, document);
    return document;
  }
}
