import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FetchError } from './fetch-error.js';

export interface ExchangeRequest {
  readonly socket: Duplex;
  readonly hostHeader: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly maxBytes: number;
  readonly acceptContentType: (mediaType: string) => boolean;
  /** A conditional request was sent, so 304 is an answer rather than an error. */
  readonly conditional: boolean;
}

export interface ExchangeResponse {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const KEPT_HEADERS = ['cache-control', 'expires', 'date', 'age', 'etag', 'last-modified', 'content-type', 'pragma'];

function kept(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** One GET over an already connected (and, for https, verified) socket, with the body read under a cap. */
export function exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    const fail = (error: FetchError): void => {
      request.socket.destroy();
      reject(error);
    };
    const outgoing = httpRequest({
      method: 'GET',
      path: request.path,
      headers: { Host: request.hostHeader, ...request.headers, Connection: 'close' },
      createConnection: () => request.socket as never,
    });
    outgoing.on('error', (error) => fail(error instanceof FetchError ? error : new FetchError('protocol_error', error.message)));
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0;
      // CIMD -02 section 5: redirects are never followed; only 200 is a document.
      if (status >= 300 && status < 400 && !(status === 304 && request.conditional)) {
        const location = String(response.headers.location ?? '').slice(0, 200);
        return fail(new FetchError('redirect_refused', `answered ${status} (redirect to "${location}"), which is never followed`, status));
      }
      if (status === 304 && request.conditional) {
        response.resume();
        return resolve({ status: 304, headers: kept(response), body: Buffer.alloc(0) });
      }
      if (status !== 200) return fail(new FetchError('bad_status', `answered ${status}; only 200 is accepted`, status));
      const encoding = String(response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (encoding !== 'identity' && encoding !== '') {
        return fail(new FetchError('content_encoding_refused', `sent Content-Encoding "${encoding}" although identity was asked for`, status));
      }
      const mediaType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!request.acceptContentType(mediaType)) {
        return fail(new FetchError('wrong_content_type', `Content-Type is "${mediaType || '(none)'}", not JSON`, status));
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        return fail(new FetchError('too_large', `Content-Length ${declared} exceeds the ${request.maxBytes}-byte limit`, status));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // CIMD -02 section 8.7: stop reading at the limit, whatever Content-Length said.
        if (size > request.maxBytes) fail(new FetchError('too_large', `body exceeds the ${request.maxBytes}-byte limit`, status));
        else chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: 200, headers: kept(response), body: Buffer.concat(chunks) }));
      response.on('error', (error) => fail(new FetchError('protocol_error', error.message, status)));
      response.on('aborted', () => fail(new FetchError('protocol_error', 'the response was cut short', status)));
    });
    outgoing.end();
  });
}
