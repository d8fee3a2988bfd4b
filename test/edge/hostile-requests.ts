/**
 * Hostile requests and what the router must make of them — the same on both transports. Each row
 * is one HTTP request as a client would send it; `test/edge/hostile-requests.test.ts` sends every
 * row through the standalone gateway and through ext_proc (driven exactly as Envoy drives it) and
 * checks the one expected outcome on each.
 *
 * Add rows here (issue 13: deep JSON, huge bodies, credentials, rate limits): a row names the
 * request and its outcome; the drivers and the checks are shared.
 */

/** A chat body naming the auto model (keyword routing sends "integral" to qwen3-8b). */
export function chatBody(content = 'what is the integral of x', extra: object = {}): string {
  return JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content }], ...extra })
}

/** Prompt text no refusal may echo, in its body or in any log line (V8 quotes ~10 characters). */
export const PROMPT_MARKER = 'zqzq'

/** Marker in every spoofed value: nothing containing it may reach the upstream. */
export const SPOOF = 'evil-6.6.6.6'

/** Every routing header a client might try to set, with a spoofed value. */
export const SPOOFED_ROUTING_HEADERS: Readonly<Record<string, string>> = {
  'x-vsr-destination-endpoint': `${SPOOF}:666`,
  'x-vsr-selected-model': SPOOF,
  'x-vsr-selected-category': SPOOF,
  'x-vsr-cache-hit': SPOOF,
  'x-selected-model': SPOOF,
  'x-gateway-destination-endpoint': `${SPOOF}:666`,
  'x-semantic-destination-endpoint': `${SPOOF}:666`,
  'x-ai-eg-model': SPOOF,
}

/**
 * Caller identity headers a client might send to pass as someone else (v0.3 authz user and
 * groups, the cache partition's tenant): the router forwards none of them by default.
 */
export const SPOOFED_IDENTITY_HEADERS: Readonly<Record<string, string>> = {
  'x-authz-user-id': SPOOF,
  'x-authz-user-groups': `admins,${SPOOF}`,
  'x-tenant-id': SPOOF,
}

export interface HostileRequest {
  /** Default POST. */
  readonly method?: string
  /** Path and query; default /v1/chat/completions. */
  readonly path?: string
  /** Sent as is (x-request-id defaults to a fresh well-formed id). */
  readonly headers?: Readonly<Record<string, string>>
  /** Default: a routable chat body. `null`: no body. */
  readonly body?: string | null
  /** Upload without a declared length (chunked; ext_proc: a STREAMED body). */
  readonly chunked?: boolean
}

/** What the router does with the request, on either transport. */
export type Outcome =
  /** Routed through the pipeline and forwarded: the upstream answers the client. */
  | { readonly kind: 'routed'; readonly model: string }
  /** Answered by the router itself with an OpenAI-shaped error. */
  | {
      readonly kind: 'refused'
      readonly status: number
      readonly code: string
      /** `allow` header of a 405. */
      readonly allow?: string
      /** `llm_request_errors_total` reason it is counted under (absent: not counted). */
      readonly reason?: string
      /** Whose log line reports it: the edge's `request_error` or the pipeline's `request_rejected`. */
      readonly loggedAs: 'request_error' | 'request_rejected'
    }
  /** The model list, answered by the router. */
  | { readonly kind: 'models' }
  /**
   * Not the router's request: never reaches the pipeline. ext_proc lets Envoy forward it untouched
   * (routing headers removed); the gateway, with nowhere to forward it, answers 404
   * `route_not_found`.
   */
  | { readonly kind: 'not_routed' }

export interface HostileRow {
  readonly name: string
  readonly request: HostileRequest
  readonly outcome: Outcome
  /** The pipeline must have been told to stop (its abort signal fired) — deadline rows. */
  readonly aborted?: boolean
}

/** Limits the table's router runs with (the drivers configure both transports with them). */
export const LIMITS = { maxBodyBytes: 65_536, deadlineMs: 1_000 }

/** Prompt marker the drivers' stalling module waits on until the request is aborted. */
export const STALL = 'stall-until-aborted'

const routed = { kind: 'routed', model: 'qwen3-8b' } as const
const refused = (
  status: number,
  code: string,
  more: { allow?: string; reason?: string; loggedAs?: 'request_error' | 'request_rejected' } = {},
): Outcome => ({ kind: 'refused', status, code, loggedAs: 'request_error', ...more })

export const HOSTILE_ROWS: readonly HostileRow[] = [
  {
    name: 'client identity headers (authz user, groups, tenant) are not forwarded',
    request: { headers: SPOOFED_IDENTITY_HEADERS },
    outcome: routed,
  },
  {
    name: 'identity headers in mixed case beside spoofed routing headers',
    request: {
      headers: {
        ...SPOOFED_ROUTING_HEADERS,
        'X-Authz-User-Id': SPOOF,
        'X-Tenant-Id': SPOOF,
      },
    },
    outcome: routed,
  },
  {
    name: 'spoofed routing headers on an auto-routed chat',
    request: { headers: SPOOFED_ROUTING_HEADERS },
    outcome: routed,
  },
  {
    name: 'spoofed routing headers on a chat naming a model',
    request: {
      headers: SPOOFED_ROUTING_HEADERS,
      body: JSON.stringify({ model: 'plain-model', messages: [{ role: 'user', content: 'hi' }] }),
    },
    outcome: { kind: 'routed', model: 'plain-model' },
  },
  {
    name: 'routing headers in mixed case and repeated',
    request: { headers: { 'X-VSR-Destination-Endpoint': `${SPOOF}:1`, 'X-Selected-Model': SPOOF } },
    outcome: routed,
  },
  {
    name: 'a well-formed client request id is kept',
    request: { headers: { 'x-request-id': 'client-id_1.2:3@a/b+c=d' } },
    outcome: routed,
  },
  {
    name: 'an oversized request id is replaced',
    request: { headers: { 'x-request-id': 'a'.repeat(129) } },
    outcome: routed,
  },
  {
    name: 'a request id with log-injection characters is replaced',
    request: { headers: { 'x-request-id': '"},{"level":"fatal","msg":"owned' } },
    outcome: routed,
  },
  {
    name: 'a request id with spaces is replaced',
    request: { headers: { 'x-request-id': 'id with spaces' } },
    outcome: routed,
  },
  {
    name: 'an empty request id is replaced',
    request: { headers: { 'x-request-id': '' } },
    outcome: routed,
  },
  {
    name: 'a prefixed chat path is routed (no way around the guards)',
    request: { path: '/openai/v1/chat/completions?trace=1', headers: SPOOFED_ROUTING_HEADERS },
    outcome: routed,
  },
  {
    name: 'an unknown path with spoofed headers is not routed',
    request: {
      path: '/v1/embeddings',
      headers: SPOOFED_ROUTING_HEADERS,
      body: JSON.stringify({ model: 'MoM', input: 'integral' }),
    },
    outcome: { kind: 'not_routed' },
  },
  {
    name: 'an unknown path with client identity headers passes through without them',
    request: {
      path: '/v1/embeddings',
      headers: SPOOFED_IDENTITY_HEADERS,
      body: JSON.stringify({ model: 'MoM', input: 'integral' }),
    },
    outcome: { kind: 'not_routed' },
  },
  {
    name: 'GET on the chat path',
    request: { method: 'GET', body: null, headers: SPOOFED_ROUTING_HEADERS },
    outcome: refused(405, 'method_not_allowed', { allow: 'POST' }),
  },
  {
    name: 'DELETE on the chat path',
    request: { method: 'DELETE', body: null },
    outcome: refused(405, 'method_not_allowed', { allow: 'POST' }),
  },
  {
    name: 'POST on the model list',
    request: { path: '/v1/models', body: '{}' },
    outcome: refused(405, 'method_not_allowed', { allow: 'GET' }),
  },
  {
    name: 'the model list, with spoofed headers',
    request: { method: 'GET', path: '/v1/models', body: null, headers: SPOOFED_ROUTING_HEADERS },
    outcome: { kind: 'models' },
  },
  {
    name: 'a multipart body',
    request: { headers: { 'content-type': 'multipart/form-data; boundary=x' } },
    outcome: refused(415, 'unsupported_media_type', { reason: 'unsupported_media_type' }),
  },
  {
    name: 'a declared body over the limit',
    request: { body: chatBody('x'.repeat(LIMITS.maxBodyBytes)) },
    outcome: refused(413, 'body_too_large', { reason: 'body_too_large' }),
  },
  {
    name: 'a chunked body that grows over the limit',
    request: { body: chatBody('x'.repeat(LIMITS.maxBodyBytes)), chunked: true },
    outcome: refused(413, 'body_too_large', { reason: 'body_too_large' }),
  },
  {
    name: 'malformed JSON',
    request: { body: '{"model": "MoM", "messages": [' },
    outcome: refused(400, 'invalid_json', { reason: 'parse_error', loggedAs: 'request_rejected' }),
  },
  {
    name: 'malformed JSON around a prompt (never echoed)',
    request: {
      body: `{"model": "MoM", "messages": [{"role": "user", "content": ${PROMPT_MARKER} words}]}`,
    },
    outcome: refused(400, 'invalid_json', { reason: 'parse_error', loggedAs: 'request_rejected' }),
  },
  {
    name: 'JSON nested 4,200 levels deep (8.5 KB)',
    request: {
      body: `{"model": "MoM", "messages": [{"role": "user", "content": "integral"}], "metadata": ${'['.repeat(4_200)}${']'.repeat(4_200)}}`,
    },
    outcome: refused(400, 'invalid_json', { reason: 'parse_error', loggedAs: 'request_rejected' }),
  },
  {
    name: 'processing that outlives the deadline',
    request: { body: chatBody(`integral ${STALL}`) },
    outcome: refused(504, 'processing_timeout', { reason: 'timeout' }),
    aborted: true,
  },
]
