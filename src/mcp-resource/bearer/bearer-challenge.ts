import { ProtocolError } from '../../common/errors/protocol-error.js';

/** What every challenge of this resource carries (MCP 2025-11-25, Protected Resource Metadata Discovery). */
export interface ChallengeContext {
  /** RFC 9728 section 5.1: where the client finds the protected resource metadata. */
  readonly resourceMetadata: string;
  /** RFC 6750 section 3: the scopes to ask for. */
  readonly scopes: readonly string[];
}

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

// RFC 6750 section 3: error, error_description and scope values use %x20-21 / %x23-5B / %x5D-7E only.
const SAFE_VALUE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function param(name: string, value: string): string {
  if (!SAFE_VALUE.test(value)) throw new Error(`WWW-Authenticate ${name} holds a character RFC 6750 does not allow`);
  return `${name}="${value}"`;
}

/** `WWW-Authenticate: Bearer ...` (RFC 6750 section 3, RFC 9728 section 5.1). */
export function bearerChallenge(context: ChallengeContext, error?: { code: BearerErrorCode; description: string }): string {
  const params: string[] = [];
  if (error) params.push(param('error', error.code), param('error_description', error.description));
  params.push(param('resource_metadata', context.resourceMetadata));
  if (context.scopes.length > 0) params.push(param('scope', context.scopes.join(' ')));
  return `Bearer ${params.join(', ')}`;
}

/**
 * A refusal of the bearer guard: the RFC 6750 status and challenge, and the same code in the JSON body.
 * Without a code (RFC 6750 section 3.1: the request carried no usable credentials) the body still says
 * what is missing, so a developer reading it knows.
 */
export class BearerError extends ProtocolError {
  readonly error: string;

  constructor(
    readonly status: 400 | 401 | 403,
    code: BearerErrorCode | undefined,
    description: string,
    context: ChallengeContext,
    detail?: string,
  ) {
    super(description, {
      detail,
      headers: { 'WWW-Authenticate': bearerChallenge(context, code ? { code, description } : undefined) },
    });
    this.error = code ?? 'unauthorized';
  }
}

/** No access token (or one sent by a method this resource does not accept): 401 without an error code. */
export function missingToken(context: ChallengeContext, detail: string): BearerError {
  return new BearerError(401, undefined, 'An access token is required: send it as Authorization: Bearer <token>.', context, detail);
}

/** Expired, malformed, wrongly signed, or issued for someone else: 401 invalid_token. */
export function invalidToken(context: ChallengeContext, detail: string): BearerError {
  return new BearerError(401, 'invalid_token', 'The access token is invalid or expired.', context, detail);
}

/** RFC 6750 section 3.1: an unsupported parameter or more than one method for the token: 400 invalid_request. */
export function invalidBearerRequest(context: ChallengeContext, description: string, detail: string): BearerError {
  return new BearerError(400, 'invalid_request', description, context, detail);
}

/** The token is valid but lacks a scope the operation needs: 403 insufficient_scope naming the scopes (step-up). */
export function insufficientScope(context: ChallengeContext, missing: readonly string[]): BearerError {
  return new BearerError(
    403,
    'insufficient_scope',
    `The access token lacks the scope this operation needs: ${missing.join(' ')}.`,
    context,
    `missing ${missing.join(' ')}`,
  );
}
