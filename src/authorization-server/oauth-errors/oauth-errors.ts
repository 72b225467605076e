import { ProtocolError, type ProtocolErrorOptions } from '../../common/errors/protocol-error.js';

/**
 * RFC 6749 section 5.2 (token endpoint) and 4.1.2.1 (authorization endpoint) errors, plus the codes
 * of RFC 7009, 7591, 8707 and 6750 that this server uses. The description is a fixed public text;
 * what exactly failed goes in `detail`, which only the log sees.
 */
export abstract class OAuthError extends ProtocolError {
  /** Whether this error may be sent to the client's redirect_uri (only once that URI is verified). */
  readonly redirectable: boolean = true;
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
  readonly status = 400;
}

/** Client authentication failed. Always the same text, whatever the reason (RFC 6749 section 5.2). */
export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 401;
  override readonly redirectable = false;

  constructor(detail: string, options: Omit<ProtocolErrorOptions, 'detail'> & { basicChallenge?: boolean } = {}) {
    super('Client authentication failed.', {
      ...options,
      detail,
      // RFC 6749 section 5.2: a client that used the Authorization header gets a matching challenge.
      headers: options.basicChallenge ? { 'WWW-Authenticate': 'Basic realm="token"', ...options.headers } : options.headers,
    });
  }
}

/** The grant (code, refresh token) is invalid. Always the same text, whatever the reason. */
export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
  readonly status = 400;

  constructor(detail: string, options: Omit<ProtocolErrorOptions, 'detail'> = {}) {
    super('The provided authorization grant is invalid, expired or revoked.', { ...options, detail });
  }
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
  readonly status = 400;
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
  readonly status = 400;
}

export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
  readonly status = 400;
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
  readonly status = 400;
}

/** RFC 8707 section 2: the requested resource is invalid, unknown or not allowed. */
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
  readonly status = 400;
}

export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
  readonly status = 403;
}

/** RFC 7009 section 2.2.1. */
export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
  readonly status = 400;
}

/** RFC 7591 section 3.2.2. */
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
  readonly status = 400;
  override readonly redirectable = false;
}

/** RFC 7591 section 3.2.2. */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
  readonly status = 400;
  override readonly redirectable = false;
}

/** RFC 6749 section 4.1.2.1 */
export class ServerError extends OAuthError {
  readonly error = 'server_error';
  readonly status = 500;

  constructor(detail: string, options: Omit<ProtocolErrorOptions, 'detail'> = {}) {
    super('The server encountered an unexpected condition.', { ...options, detail });
  }
}

export class TooManyRequests extends OAuthError {
  readonly error = 'too_many_requests';
  readonly status = 429;
  override readonly redirectable = false;

  constructor(retryAfterSeconds: number, detail?: string) {
    super('Too many requests. Retry later.', { detail, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** OIDC Core section 3.1.2.6 codes for prompt=none: the user must sign in or consent first. */
export class InteractionRequired extends OAuthError {
  readonly status = 400;

  constructor(
    readonly error: 'login_required' | 'consent_required' | 'interaction_required',
    description: string,
  ) {
    super(description);
  }
}
