/**
 * Every error the router can report, with a stable code.
 *
 * Callers match on `err.code`, never on the message. Each edge (gateway, ext_proc, classification API,
 * CLI) maps a RouterError to its wire shape exactly once. `docs/errors.md` lists every code; a test
 * keeps the two in sync, so adding a code here means documenting it there.
 */

/** OpenAI error `type` values we emit. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error'
  | 'content_filter'

interface ErrorSpec {
  readonly status: number
  readonly type: OpenAIErrorType
  readonly message: string
}

export const ERROR_CODES = {
  // Request parsing and validation (gateway, ext_proc, API)
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Request body is not valid JSON',
  },
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Request body is invalid',
  },
  missing_messages: {
    status: 400,
    type: 'invalid_request_error',
    message: 'messages must be a non-empty array',
  },
  body_too_large: {
    status: 413,
    type: 'invalid_request_error',
    message: 'Request body exceeds the configured limit',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    message: 'Content-Type must be application/json',
  },
  model_not_found: {
    status: 404,
    type: 'not_found_error',
    message: 'The requested model is not configured',
  },
  route_not_found: { status: 404, type: 'not_found_error', message: 'No such route' },
  request_not_found: {
    status: 404,
    type: 'not_found_error',
    message: 'No routed request with that id is known',
  },
  method_not_allowed: { status: 405, type: 'invalid_request_error', message: 'Method not allowed' },
  not_ready: {
    status: 503,
    type: 'server_error',
    message: 'The router is still starting (models are loading)',
  },

  // Upstream (the LLM endpoint)
  no_endpoint: {
    status: 503,
    type: 'server_error',
    message: 'No endpoint is configured for the selected model',
  },
  upstream_unavailable: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream endpoint could not be reached',
  },
  upstream_http_error: {
    // Sent with the endpoint's own status (404, 500, ...); 502 only names the family.
    status: 502,
    type: 'upstream_error',
    message: 'The upstream endpoint answered with an error and no usable body',
  },
  upstream_rate_limited: {
    // Every endpoint that could answer is cooling down after its own 429 with Retry-After.
    status: 429,
    type: 'rate_limit_error',
    message:
      'Every endpoint for this model asked to wait (429 with Retry-After); retry after the time in Retry-After',
  },
  upstream_overloaded: {
    // Every endpoint that could answer is cooling down after its own 503 with Retry-After.
    status: 503,
    type: 'upstream_error',
    message:
      'Every endpoint for this model is unavailable for now (503 with Retry-After); retry after the time in Retry-After',
  },
  upstream_timeout: {
    status: 504,
    type: 'upstream_error',
    message: 'The upstream endpoint did not answer in time',
  },
  upstream_protocol_error: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream endpoint sent an invalid response',
  },
  upstream_stream_aborted: {
    status: 502,
    type: 'upstream_error',
    message: 'The upstream stream ended unexpectedly',
  },

  // Policy outcomes surfaced as errors (when configured to fail closed)
  classifier_failed: {
    status: 503,
    type: 'server_error',
    message: 'A classifier failed and its policy is to block',
  },
  identity_required: {
    status: 401,
    type: 'authentication_error',
    message: 'This route needs to know the caller (role bindings) and the request names none',
  },
  // Callers: authentication, authorisation, limits (src/edge)
  authentication_required: {
    status: 401,
    type: 'authentication_error',
    message: 'This listener requires an API key (Authorization: Bearer <key>)',
  },
  invalid_api_key: {
    status: 401,
    type: 'authentication_error',
    message: 'The API key is not valid',
  },
  permission_denied: {
    status: 403,
    type: 'authentication_error',
    message: 'This API key may not use this route',
  },
  model_not_allowed: {
    status: 403,
    type: 'authentication_error',
    message: 'This API key may not use the requested model',
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limit reached; retry after the time in Retry-After',
  },
  budget_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Spend budget for this period is used up; retry after the time in Retry-After',
  },
  limits_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The rate-limit state store is unavailable',
  },
  server_overloaded: {
    status: 503,
    type: 'server_error',
    message:
      'The requests in flight hold the request-body budget; retry after the time in Retry-After',
  },
  processing_timeout: {
    status: 504,
    type: 'server_error',
    message: 'Request processing exceeded its time budget',
  },

  // Models and inference (src/ml)
  model_missing: {
    status: 503,
    type: 'server_error',
    message: 'A model file or folder named in the config does not exist',
  },
  model_invalid: {
    status: 503,
    type: 'server_error',
    message: 'A model file is corrupt or not in Hugging Face layout',
  },
  model_labels_mismatch: {
    status: 503,
    type: 'server_error',
    message: "A model's labels do not match the configured categories",
  },
  inference_failed: {
    status: 503,
    type: 'server_error',
    message: 'Model inference failed',
  },
  input_too_long: {
    status: 413,
    type: 'invalid_request_error',
    message: 'Input is longer than the model may scan (inference.max_chunks)',
  },
  model_download_failed: {
    status: 502,
    type: 'upstream_error',
    message: 'A model could not be downloaded from the hub',
  },
  model_checksum_mismatch: {
    status: 503,
    type: 'server_error',
    message: 'A model file does not match the sha256 recorded in the lock file',
  },

  // Configuration
  config_invalid: { status: 500, type: 'server_error', message: 'Configuration is invalid' },
  config_unreadable: {
    status: 500,
    type: 'server_error',
    message: 'Configuration file could not be read',
  },

  // Semantic cache (never surfaced to clients: the cache is bypassed instead)
  cache_backend_unavailable: {
    status: 503,
    type: 'server_error',
    message: 'The configured semantic cache backend is not available',
  },

  // Console (/ui/)
  console_busy: {
    status: 503,
    type: 'server_error',
    message: 'Too many consoles are open (console.max_subscribers)',
  },

  // Catch-all
  internal_error: { status: 500, type: 'server_error', message: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERROR_CODES

export interface RouterErrorOptions {
  cause?: unknown
  /** Extra machine-readable detail (e.g. the list of config issues). Never includes prompt text. */
  details?: unknown
  /** OpenAI `param` field: which request field was wrong. */
  param?: string
  /** Headers the answer carries (e.g. `retry-after` on a 429), on every transport. */
  headers?: Readonly<Record<string, string>>
}

export class RouterError extends Error {
  override readonly name = 'RouterError'
  readonly code: ErrorCode
  readonly status: number
  readonly type: OpenAIErrorType
  readonly details: unknown
  readonly param: string | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(code: ErrorCode, message?: string, options: RouterErrorOptions = {}) {
    const spec: ErrorSpec = ERROR_CODES[code]
    super(
      message ?? spec.message,
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.code = code
    this.status = spec.status
    this.type = spec.type
    this.details = options.details
    this.param = options.param
    this.headers = options.headers ?? {}
  }
}

export function isRouterError(err: unknown): err is RouterError {
  return err instanceof RouterError
}

/** Normalise anything thrown into a RouterError (unknown errors become internal_error). */
export function toRouterError(err: unknown): RouterError {
  if (err instanceof RouterError) return err
  return new RouterError('internal_error', undefined, { cause: err })
}

/** The OpenAI error envelope used by the gateway. */
export function toOpenAIErrorBody(err: RouterError): {
  error: { message: string; type: string; param: string | null; code: string }
} {
  return {
    error: { message: err.message, type: err.type, param: err.param ?? null, code: err.code },
  }
}
