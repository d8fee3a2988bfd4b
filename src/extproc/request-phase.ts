/**
 * Value-returning helpers for the request direction: what a request is (from its headers), which
 * client headers to strip, and the replies that apply a pipeline outcome or an error.
 */
import { randomUUID } from 'node:crypto'
import { toOpenAIErrorBody, type RouterError } from '../errors.js'
import type { ImmediateResponse, RequestOutcome } from '../pipeline/types.js'
import { ENVOY_LB_NAMESPACE, INFERENCE_EXTENSION_HEADER, type StreamSettings } from './settings.js'
import {
  immediateResponse,
  metadataStruct,
  setHeader,
  type CommonResponse,
  type HeaderValueOption,
  type ProcessingResponse,
  type StructValue,
} from './wire.js'

/** `models`: answered from the headers; `chat`: routed; `passthrough`: left to Envoy untouched. */
export type RequestKind = 'models' | 'chat' | 'passthrough'

export interface RequestInfo {
  readonly requestId: string
  readonly method: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly acceptsEventStream: boolean
  readonly kind: RequestKind
}

/** Paths whose bodies are chat completions: `/v1/chat/completions` and prefixed forms of it. */
function isChatPath(path: string): boolean {
  return path === '/v1/chat/completions' || path.endsWith('/chat/completions')
}

export function describeRequest(headers: Readonly<Record<string, string>>): RequestInfo {
  const method = (headers[':method'] ?? '').toUpperCase()
  const path = headers[':path'] ?? ''
  const query = path.indexOf('?')
  const pathOnly = query === -1 ? path : path.slice(0, query)
  let kind: RequestKind = 'passthrough'
  if (method === 'GET' && pathOnly === '/v1/models') kind = 'models'
  else if (method === 'POST' && isChatPath(pathOnly)) kind = 'chat'
  return {
    requestId: headers['x-request-id'] || randomUUID(),
    method,
    path,
    headers,
    acceptsEventStream: (headers['accept'] ?? '').includes('text/event-stream'),
    kind,
  }
}

/** A request whose headers Envoy did not send (request_header_mode SKIP): assume a chat body. */
export function headerlessRequest(): RequestInfo {
  return {
    requestId: randomUUID(),
    method: 'POST',
    path: '',
    headers: {},
    acceptsEventStream: false,
    kind: 'chat',
  }
}

/**
 * Client-supplied routing headers to remove: the destination and selection headers (always named,
 * since Envoy's forward_rules may hide them from us) plus every `x-vsr-*` header present.
 */
export function routingHeaderRemovals(
  headers: Readonly<Record<string, string>>,
  settings: StreamSettings,
): string[] {
  const out = [...settings.routingHeaders]
  for (const key of Object.keys(headers))
    if (key.startsWith('x-vsr-') && !out.includes(key)) out.push(key)
  return out
}

/** The parts of a forward decision Envoy applies: a CommonResponse plus dynamic metadata. */
export interface ForwardReply {
  readonly common: CommonResponse
  readonly dynamicMetadata: StructValue | undefined
}

export function forwardReply(
  outcome: Extract<RequestOutcome, { action: 'forward' }>,
  options: {
    settings: StreamSettings
    /** The body arrived in several messages whose bytes were held back: it must be re-emitted. */
    chunked: boolean
    /** Extra headers to remove (routing headers, when the headers phase was skipped). */
    removals: readonly string[]
  },
): ForwardReply {
  const { settings, chunked } = options
  const ctx = outcome.ctx
  const set: HeaderValueOption[] = []
  const named = new Set<string>()
  const put = (key: string, value: string): void => {
    named.add(key)
    set.push(setHeader(key, value))
  }
  const hostPort = ctx.endpoint?.hostPort
  if (hostPort !== undefined && settings.destinationHeader !== '')
    put(settings.destinationHeader, hostPort)
  if (
    hostPort !== undefined &&
    settings.inferenceExtension &&
    !named.has(INFERENCE_EXTENSION_HEADER)
  )
    put(INFERENCE_EXTENSION_HEADER, hostPort)
  for (const [key, value] of ctx.upstreamHeaders) if (!named.has(key)) put(key, value)

  const remove = options.removals.filter((key) => !named.has(key))
  const rewrite = outcome.bodyChanged || chunked
  if (rewrite && !chunked) put('content-length', String(outcome.body.length))
  else if (rewrite) remove.push('content-length')

  const common: CommonResponse = {
    header_mutation: { set_headers: set, ...(remove.length > 0 ? { remove_headers: remove } : {}) },
    ...(rewrite ? { body_mutation: { body: outcome.body } } : {}),
    ...(settings.clearRouteCache ? { clear_route_cache: true } : {}),
  }
  const dynamicMetadata =
    settings.inferenceExtension && hostPort !== undefined
      ? metadataStruct({ [ENVOY_LB_NAMESPACE]: { [INFERENCE_EXTENSION_HEADER]: hostPort } })
      : undefined
  return { common, dynamicMetadata }
}

/** The pipeline's own answer (block, cache hit) as an ImmediateResponse. */
export function pipelineImmediate(response: ImmediateResponse): ProcessingResponse {
  return immediateResponse({
    status: response.status,
    headers: Object.entries(response.headers),
    body: response.body,
    details: `semantic_router_${response.kind}`,
  })
}

/** An OpenAI-shaped error as an ImmediateResponse (same body the gateway sends). */
export function errorImmediate(err: RouterError): ProcessingResponse {
  return immediateResponse({
    status: err.status,
    headers: [['content-type', 'application/json']],
    body: JSON.stringify(toOpenAIErrorBody(err)),
    details: `semantic_router_error_${err.code}`,
  })
}

export function modelsImmediate(list: Record<string, unknown>): ProcessingResponse {
  return immediateResponse({
    status: 200,
    headers: [['content-type', 'application/json']],
    body: JSON.stringify(list),
    details: 'semantic_router_models',
  })
}
