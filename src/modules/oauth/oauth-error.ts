// RFC 6749 §5.2: token endpoint errors are `{error, error_description}`, not the API envelope.

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'server_error';

export class OAuthError extends Error {
  /** `retryAfter`: seconds, sent as Retry-After (a throttled password grant answers 429). */
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}
