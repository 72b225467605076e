import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ApiError } from '../errors/protocol-error.js';
import { assertAcceptableJson } from './json-guard.js';

/** Turns a body-parser failure into a ProtocolError, so the error responder writes the usual JSON shape. */
function toBodyError(error: unknown, limit: unknown): ApiError {
  const type = (error as { type?: unknown })?.type;
  const invalid = (status: number, description: string) =>
    new ApiError(status, 'invalid_request', description, { detail: (error as Error)?.message });
  switch (type) {
    case 'entity.too.large':
      return invalid(413, `The request body is larger than ${limit} bytes.`);
    case 'entity.parse.failed':
      return invalid(400, 'The request body is not valid JSON.');
    case 'entity.verify.failed':
      return invalid(400, `The request body is refused: ${(error as Error).message}.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return invalid(415, 'The request body encoding or charset is not supported.');
    case 'parameters.too.many':
      return invalid(413, 'The request has too many parameters.');
    default:
      return invalid(400, 'The request body could not be read.');
  }
}

/** A body-parser failure (it carries a string `type` and a numeric status) as a ProtocolError; anything else undefined. */
export function bodyParserError(error: unknown): ApiError | undefined {
  const record = error as { type?: unknown; status?: unknown; limit?: unknown } | undefined;
  if (typeof record?.type !== 'string' || typeof record.status !== 'number') return undefined;
  return toBodyError(error, record.limit);
}

function guarded(parser: RequestHandler, limit: number): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) =>
    parser(request, response, (error?: unknown) => next(error ? toBodyError(error, limit) : undefined));
}

/** Form bodies are kept as the raw string, because OAuth endpoints parse them by hand to refuse repeated parameters. */
const formParser = (limit: number) => express.text({ limit, type: 'application/x-www-form-urlencoded', defaultCharset: 'utf-8' });

/** JSON bodies (application/json and +json types) are parsed for the JSON APIs; form bodies are read as text. */
export function bodyParsers(limit: number): RequestHandler[] {
  return [
    guarded(
      express.json({ limit, type: ['application/json', 'application/*+json'], strict: true, verify: (_request, _response, raw) => assertAcceptableJson(raw) }),
      limit,
    ),
    guarded(formParser(limit), limit),
  ];
}

/** Reads a form body as the router's parsers would (same limit, charsets and errors), for a DirectRoute. */
export type FormBodyReader = (request: IncomingMessage, response: ServerResponse) => Promise<string | undefined>;

export function formBodyReader(limit: number): FormBodyReader {
  const parser = guarded(formParser(limit), limit);
  return (request, response) =>
    new Promise((resolve, reject) => {
      parser(request as Request, response as Response, (error?: unknown) => {
        if (error) reject(error);
        else resolve(typeof (request as Request).body === 'string' ? ((request as Request).body as string) : undefined);
      });
    });
}
