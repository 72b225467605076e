/** Stable reasons a safe fetch was refused, for logs, the admin dry run and tests. */
export type FetchFailure =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'dns_failed'
  | 'special_use_address'
  | 'connect_failed'
  | 'tls_failed'
  | 'timeout'
  | 'redirect_refused'
  | 'bad_status'
  | 'wrong_content_type'
  | 'content_encoding_refused'
  | 'too_large'
  | 'protocol_error';

export class FetchError extends Error {
  override readonly name = 'FetchError';

  constructor(
    readonly reason: FetchFailure,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}
