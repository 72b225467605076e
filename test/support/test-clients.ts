import type { JWK } from 'jose';
import type { ClientMetadata } from '../../src/authorization-server/clients/client.js';
import { DocumentHost } from './document-host.js';

export type ClientDocument = Partial<Omit<ClientMetadata, 'client_id'>> & Pick<ClientMetadata, 'redirect_uris'> & Record<string, unknown>;

/**
 * CIMD clients for tests: each client is a real metadata document on a loopback host (the development
 * loopback exception admits it), resolved by the AS through its real fetcher, validator and cache.
 * Documents are served with `no-cache` and an ETag, so the AS revalidates on every use and sees changes
 * (and deletions) at once.
 */
export class TestClients {
  private readonly documents = new Map<string, Record<string, unknown>>();
  private version = 0;

  private constructor(readonly host: DocumentHost) {}

  static async start(): Promise<TestClients> {
    return new TestClients(await DocumentHost.start());
  }

  /** Publishes a client's document at /<name>/client.json (code + refresh grants unless given) and returns its client_id. */
  add(name: string, document: ClientDocument): string {
    const path = `/${name}/client.json`;
    const clientId = this.host.url(path);
    this.publish(path, { client_id: clientId, client_name: name, grant_types: ['authorization_code', 'refresh_token'], ...document });
    return clientId;
  }

  /** The document as currently published. */
  document(clientId: string): Record<string, unknown> {
    const document = this.documents.get(this.path(clientId));
    if (!document) throw new Error(`no document for ${clientId}`);
    return document;
  }

  update(clientId: string, changes: Record<string, unknown>): void {
    const path = this.path(clientId);
    const next: Record<string, unknown> = { ...this.document(clientId), ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    this.publish(path, next);
  }

  setKeys(clientId: string, keys: JWK[]): void {
    this.update(clientId, { jwks: { keys } });
  }

  /** The operator deletes the document: 404 from now on. */
  remove(clientId: string): void {
    const path = this.path(clientId);
    this.documents.delete(path);
    this.host.status(path, 404, { 'Content-Type': 'application/json' });
  }

  /** How many times the AS fetched (or revalidated) this client's document. */
  fetches(clientId: string): number {
    return this.host.count(this.path(clientId));
  }

  stop(): Promise<void> {
    return this.host.stop();
  }

  private publish(path: string, document: Record<string, unknown>): void {
    this.version += 1;
    this.documents.set(path, document);
    this.host.json(path, document, { etag: `"v${this.version}"`, headers: { 'Cache-Control': 'no-cache' } });
  }

  private path(clientId: string): string {
    return new URL(clientId).pathname;
  }
}
