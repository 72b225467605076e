import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock.js';
import { BACKEND_CONFIG } from '../../config/config.tokens.js';
import type { ClientBackendConfig } from '../../config/sections/client-backend.js';

export interface RenderedDocument {
  readonly body: string;
  readonly etag: string;
}

const MAX_ENTRIES = 10_000;

/**
 * A very short-lived cache of rendered metadata documents (BACKEND_DOCUMENT_CACHE_MS, 1 s by default),
 * so that an AS fetching a popular document does not cost a database read each time. This process
 * evicts an install the moment it changes it; another replica's change reaches this one within the
 * TTL. Only documents are cached, never errors.
 */
@Injectable()
export class DocumentCache {
  private readonly entries = new Map<string, RenderedDocument & { expiresAt: number }>();
  private readonly ttlMs: number;

  constructor(
    private readonly clock: Clock,
    @Inject(BACKEND_CONFIG) config: ClientBackendConfig,
  ) {
    this.ttlMs = config.documentCacheMs;
  }

  get(installId: string): RenderedDocument | undefined {
    const entry = this.entries.get(installId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.nowMs()) {
      this.entries.delete(installId);
      return undefined;
    }
    return entry;
  }

  set(installId: string, document: RenderedDocument): void {
    if (this.ttlMs === 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(installId, { ...document, expiresAt: this.clock.nowMs() + this.ttlMs });
  }

  evict(installId: string): void {
    this.entries.delete(installId);
  }

  clear(): void {
    this.entries.clear();
  }
}
