import { rootCertificates, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { FetchError } from './fetch-error.js';
import { HostSlots } from './host-slots.js';
import { exchange, type ExchangeResponse } from './http-exchange.js';
import { Connector, HostResolver, type ConnectedSocket, type ResolvedAddress } from './outbound-network.js';
import { parseOutboundTarget, refusalFor, type OutboundTarget } from './outbound-target.js';

export interface SafeFetcherOptions {
  readonly connectTimeoutMs: number;
  /** One deadline for everything: name resolution, connect, TLS, headers and body. */
  readonly totalTimeoutMs: number;
  readonly maxConcurrentPerHost: number;
  /** Development exception (CIMD -02 section 8.6): loopback addresses, and plain http to them. */
  readonly allowLoopback: boolean;
  /** Extra trusted CA certificates (PEM), added to the platform's roots. */
  readonly extraCa?: readonly string[];
  readonly userAgent: string;
}

export interface SafeFetchRequest {
  readonly url: string;
  readonly maxBytes: number;
  readonly accept: string;
  /** Media types (lowercase, without parameters) the body may have. */
  readonly contentTypes: (mediaType: string) => boolean;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
}

export interface SafeFetchResponse extends ExchangeResponse {
  /** The address actually connected to. */
  readonly address: string;
}

/** application/json or any application/*+json type. */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

/**
 * THE outbound HTTP client of the authorization server. Resolves the host once, refuses unless every
 * answer is a public address (DNS pinning: the connection goes to exactly the validated address, so a
 * rebinding answer is never used), checks the connected peer again, verifies TLS certificates, never
 * follows redirects, accepts only 200 (or 304 to a conditional request) with a JSON body read under a
 * size cap, and bounds the whole exchange by one deadline and a per-host concurrency cap.
 */
export class SafeFetcher {
  private readonly slots: HostSlots;
  private readonly ca?: string[];

  constructor(
    private readonly options: SafeFetcherOptions,
    private readonly resolver: HostResolver,
    private readonly connector: Connector,
  ) {
    this.slots = new HostSlots(options.maxConcurrentPerHost);
    this.ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;
  }

  get allowsLoopback(): boolean {
    return this.options.allowLoopback;
  }

  async fetch(request: SafeFetchRequest): Promise<SafeFetchResponse> {
    const target = parseOutboundTarget(request.url, this.options.allowLoopback);
    const cleanups = new Cleanups();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FetchError('timeout', `no complete answer within ${this.options.totalTimeoutMs} ms`)),
        this.options.totalTimeoutMs,
      );
    });
    const started = Date.now();
    try {
      return await Promise.race([this.run(target, request, started, cleanups), deadline]);
    } finally {
      clearTimeout(timer);
      cleanups.close();
    }
  }

  private async run(target: OutboundTarget, request: SafeFetchRequest, started: number, cleanups: Cleanups): Promise<SafeFetchResponse> {
    const addresses = await this.admittedAddresses(target);
    const slot = this.slots.request(`${target.hostname}:${target.port}`);
    cleanups.add(() => slot.cancel());
    const release = await slot.ready;
    cleanups.add(release);
    const connected = await this.connectFirst(target, addresses, started);
    cleanups.add(() => connected.socket.destroy());
    const socket = target.https ? await this.startTls(connected.socket, target) : connected.socket;
    cleanups.add(() => socket.destroy());
    const conditional = request.ifNoneMatch !== undefined || request.ifModifiedSince !== undefined;
    const headers: Record<string, string> = {
      Accept: request.accept,
      'Accept-Encoding': 'identity',
      'User-Agent': this.options.userAgent,
    };
    if (request.ifNoneMatch !== undefined) headers['If-None-Match'] = request.ifNoneMatch;
    if (request.ifModifiedSince !== undefined) headers['If-Modified-Since'] = request.ifModifiedSince;
    const response = await exchange({
      socket,
      hostHeader: target.url.host,
      path: target.path,
      headers,
      maxBytes: request.maxBytes,
      acceptContentType: request.contentTypes,
      conditional,
    });
    return { ...response, address: connected.remoteAddress };
  }

  /** Every address the name resolves to must be admissible; one bad answer refuses the fetch. */
  private async admittedAddresses(target: OutboundTarget): Promise<ResolvedAddress[]> {
    let addresses: ResolvedAddress[];
    if (target.literal) {
      addresses = [target.literal];
    } else {
      try {
        addresses = await this.resolver.resolve(target.hostname);
      } catch (error) {
        throw new FetchError('dns_failed', `${target.hostname} did not resolve: ${(error as Error).message}`);
      }
      if (addresses.length === 0) throw new FetchError('dns_failed', `${target.hostname} has no address`);
    }
    for (const { address } of addresses) {
      const refusal = refusalFor(address, target, this.options.allowLoopback);
      if (refusal) {
        throw new FetchError(
          target.https ? 'special_use_address' : 'scheme_not_allowed',
          `${target.hostname} resolves to ${refusal}; nothing was sent`,
        );
      }
    }
    return addresses;
  }

  private async connectFirst(target: OutboundTarget, addresses: readonly ResolvedAddress[], started: number): Promise<ConnectedSocket> {
    const failures: string[] = [];
    for (const candidate of addresses) {
      const remaining = this.options.totalTimeoutMs - (Date.now() - started);
      const timeoutMs = Math.max(1, Math.min(this.options.connectTimeoutMs, remaining));
      let connected: ConnectedSocket;
      try {
        connected = await this.connector.connect({ address: candidate.address, family: candidate.family, port: target.port, timeoutMs });
      } catch (error) {
        failures.push(`${candidate.address}: ${(error as Error).message}`);
        continue;
      }
      // The peer must be the validated address, and still admissible (defence in depth).
      const refusal = refusalFor(connected.remoteAddress, target, this.options.allowLoopback);
      if (refusal || !sameAddress(connected.remoteAddress, candidate.address)) {
        connected.socket.destroy();
        throw new FetchError('special_use_address', `connected peer ${connected.remoteAddress} is not the validated ${candidate.address}${refusal ? ` (${refusal})` : ''}`);
      }
      return connected;
    }
    throw new FetchError('connect_failed', `could not connect to ${target.hostname}:${target.port} (${failures.join('; ')})`);
  }

  private startTls(socket: Duplex, target: OutboundTarget): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const secure = tlsConnect({
        socket,
        // SNI only for names (RFC 6066 section 3); the certificate is checked against the URL host.
        servername: target.literal ? undefined : target.hostname,
        host: target.hostname,
        ca: this.ca,
        rejectUnauthorized: true,
        ALPNProtocols: ['http/1.1'],
      });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', (error) => {
        secure.destroy();
        reject(new FetchError('tls_failed', `TLS with ${target.hostname} failed: ${error.message}`));
      });
    });
  }
}

/** What to undo when a fetch ends; something added after the end (a late connect) is undone at once. */
class Cleanups {
  private readonly pending: Array<() => void> = [];
  private closed = false;

  add(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.pending.push(cleanup);
  }

  close(): void {
    this.closed = true;
    for (const cleanup of this.pending.reverse()) cleanup();
  }
}

function sameAddress(a: string, b: string): boolean {
  const strip = (value: string) => value.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return strip(a) === strip(b);
}
