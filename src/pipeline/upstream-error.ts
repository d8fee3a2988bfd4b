/**
 * Upstream errors a client can read. An endpoint that answers 4xx/5xx with an empty body, or with
 * something that is not JSON (a proxy's HTML page, a bare 404 from a wrong port or path), leaves the
 * client with a status and nothing to act on — and it looks like the router failed. The router then
 * answers in the endpoint's place: the same status, an OpenAI-shaped error (`upstream_http_error`)
 * that says the endpoint answered it and what to check, and `x-vsr-error-source: upstream`. A JSON
 * error body is the endpoint's own explanation (vLLM's "model does not exist", OpenAI's errors) and
 * passes through unchanged, with the same header. Both transports use this (one pipeline).
 */
import { STATUS_CODES } from 'node:http'
import { RouterError, toOpenAIErrorBody } from '../errors.js'
import { logEvent } from '../log.js'
import type { ImmediateResponse, RequestContext } from './types.js'

/** Error bodies up to this size are held to decide; larger ones pass through as they come. */
export const MAX_HELD_ERROR_BODY = 64 * 1024

export const ERROR_SOURCE_HEADER = 'x-vsr-error-source'

/** Headers the router adds to an upstream error response (never the 2xx x-vsr-* set). */
export function upstreamErrorHeaders(ctx: RequestContext): Record<string, string> {
  return { 'x-vsr-selected-model': ctx.upstreamModel, [ERROR_SOURCE_HEADER]: 'upstream' }
}

/** What parseJsonBody returns for an empty body or one that is not JSON. */
export const NOT_JSON: unique symbol = Symbol('not JSON')

/** The body parsed as JSON, or NOT_JSON (empty, or not JSON). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return NOT_JSON
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch {
    return NOT_JSON
  }
}

export function isJsonBody(body: Buffer): boolean {
  return parseJsonBody(body) !== NOT_JSON
}

/**
 * What to send for an upstream error response: undefined to pass the endpoint's body through, or
 * the router's answer when the body is empty or not JSON. Logs `upstream_error` either way.
 */
export function upstreamErrorReply(
  ctx: RequestContext,
  status: number,
  body: Buffer,
): ImmediateResponse | undefined {
  const json = isJsonBody(body)
  const endpoint = ctx.endpoint
  logUpstreamError(ctx, status, { body: body.length === 0 ? 'empty' : json ? 'json' : 'not_json' })
  if (json) return undefined
  const what = body.length === 0 ? 'an empty body' : 'a body that is not JSON'
  const error = new RouterError(
    'upstream_http_error',
    `The upstream endpoint${endpoint ? ` '${endpoint.name}'` : ''} answered ${status} ${STATUS_CODES[status] ?? ''} with ${what} for model '${ctx.upstreamModel}'. ` +
      'Check that its address and port point at an OpenAI-compatible server that serves this model ' +
      `(the router's log line upstream_error for request ${ctx.meta.requestId} names the endpoint).`,
  )
  return {
    status,
    headers: { 'content-type': 'application/json', ...upstreamErrorHeaders(ctx) },
    body: JSON.stringify(toOpenAIErrorBody(error)),
    kind: 'error',
  }
}

/**
 * The router's answer when the endpoint broke the protocol (an impossible status, a 2xx whose body
 * is not JSON): 502 `upstream_protocol_error`, logged as `upstream_error` with the reason.
 */
export function upstreamProtocolError(
  ctx: RequestContext,
  status: number,
  what: string,
): ImmediateResponse {
  const endpoint = ctx.endpoint
  logUpstreamError(ctx, status, { code: 'upstream_protocol_error' })
  const error = new RouterError(
    'upstream_protocol_error',
    `The upstream endpoint${endpoint ? ` '${endpoint.name}'` : ''} ${what} for model '${ctx.upstreamModel}': not an OpenAI-compatible answer.`,
  )
  return {
    status: 502,
    headers: { 'content-type': 'application/json', ...upstreamErrorHeaders(ctx) },
    body: JSON.stringify(toOpenAIErrorBody(error)),
    kind: 'error',
  }
}

/** The one `upstream_error` log line: request, status, model and endpoint, plus what went wrong. */
function logUpstreamError(
  ctx: RequestContext,
  status: number,
  detail: Readonly<Record<string, string>>,
): void {
  logEvent(
    ctx.log,
    'upstream_error',
    {
      request_id: ctx.meta.requestId,
      status,
      model: ctx.upstreamModel,
      endpoint: ctx.endpoint?.name ?? '',
      address: ctx.endpoint?.hostPort ?? '',
      ...detail,
    },
    'warn',
  )
}
