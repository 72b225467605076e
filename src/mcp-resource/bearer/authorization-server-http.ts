import { Inject, Injectable } from '@nestjs/common';
import { MCP_CONFIG, SERVER_CONFIG } from '../../config/config.tokens.js';
import type { McpResourceConfig } from '../../config/sections/mcp-resource.js';
import type { ServerConfig } from '../../config/sections/server.js';

/** A request to the authorization server failed or was refused; the message says why (for the log). */
export class AuthorizationServerFetchError extends Error {
  override readonly name = 'AuthorizationServerFetchError';
}

/**
 * The MCP server's only outbound requests: GETs of the operator-configured authorization server's
 * metadata and JWKS. Never a URL a token or a request names, never with credentials. A port, so it can
 * be pointed at the project's common outbound client.
 */
export abstract class AuthorizationServerHttp {
  abstract getJson(url: string): Promise<unknown>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

/** Why a URL may not be fetched, or undefined: https always; plain http to loopback only in development. */
export function refuseAuthorizationServerUrl(url: string, allowLoopbackHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not an absolute URL';
  }
  if (parsed.username || parsed.password) return 'URL carries credentials';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && allowLoopbackHttp && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  return `${parsed.protocol}//${parsed.host} is not https${allowLoopbackHttp ? ' or loopback http' : ''}`;
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new AuthorizationServerFetchError(`response of ${declared} bytes exceeds ${maxBytes}`);
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AuthorizationServerFetchError(`response exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The port over Node's fetch: no redirects, a deadline for the whole exchange, a size cap, JSON only. */
@Injectable()
export class FetchAuthorizationServerHttp extends AuthorizationServerHttp {
  constructor(
    @Inject(MCP_CONFIG) private readonly config: McpResourceConfig,
    @Inject(SERVER_CONFIG) private readonly server: ServerConfig,
  ) {
    super();
  }

  async getJson(url: string): Promise<unknown> {
    const refused = refuseAuthorizationServerUrl(url, this.server.mode === 'development');
    if (refused) throw new AuthorizationServerFetchError(`refused to fetch ${url}: ${refused}`);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
        headers: { accept: 'application/json', 'user-agent': 'attested-cimd-mcp-resource' },
        signal: AbortSignal.timeout(this.config.fetchTimeoutMs),
      });
    } catch (error) {
      throw new AuthorizationServerFetchError(`GET ${url} failed: ${(error as Error).message}`, { cause: error });
    }
    try {
      if (response.status !== 200) throw new AuthorizationServerFetchError(`GET ${url} answered ${response.status}`);
      if (!JSON_TYPE.test(response.headers.get('content-type') ?? '')) {
        throw new AuthorizationServerFetchError(`GET ${url} answered ${response.headers.get('content-type') ?? 'no content type'}, not JSON`);
      }
      const text = await readCapped(response, this.config.fetchMaxBytes);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new AuthorizationServerFetchError(`GET ${url} answered invalid JSON`);
      }
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      if (error instanceof AuthorizationServerFetchError) throw error;
      throw new AuthorizationServerFetchError(`GET ${url} failed while reading: ${(error as Error).message}`, { cause: error });
    }
  }
}
