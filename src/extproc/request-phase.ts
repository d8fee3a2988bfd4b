/**
 * Value-returning helpers for the request direction: the replies that apply a pipeline outcome, an
 * edge rejection or an error. What a request is, and which client headers go, is the request
 * edge's decision (src/edge); this file only writes it in Envoy's terms.
 */
import type { EdgeRequest } from '../edge/request-edge.js'
import { edgeErrorReply } from '../edge/request-edge.js'
import { INFERENCE_EXTENSION_HEADER } from '../edge/routing-headers.js'
import type { RouterError } from '../errors.js'
import { REQUEST_ID_HEADER } from '../http/request-id.js'
import type { ImmediateResponse, RequestOutcome } from '../pipeline/types.js'
import { envoyRetryMutation } from './envoy-retry.js'
import { ENVOY_LB_NAMESPACE, type StreamSettings } from './settings.js'
import {
  immediateResponse,
  metadataStruct,
  setHeader,
  type CommonResponse,
  type HeaderMutation,
  type HeaderValueOption,
  type ProcessingResponse,
  type StructValue,
} from './wire.js'

/**
 * The header mutation of the request-headers reply: the routing headers removed, and our request
 * id in place of a client's that was missing or refused.
 */
export function edgeHeaderMutation(request: EdgeRequest): HeaderMutation {
  return request.requestIdAssigned
    ? {
        set_headers: [setHeader(REQUEST_ID_HEADER, request.requestId)],
        remove_headers: [...request.removeHeaders],
      }
    : { remove_headers: [...request.removeHeaders] }
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
    /** The request as the edge described it. */
    request: EdgeRequest
    /** The headers phase was skipped: routing headers and the request id are set here instead. */
    headerless: boolean
  },
): ForwardReply {
  const { settings, chunked } = options
  const ctx = outcome.ctx
  // Plain loops and a module-level helper (no closure, spread or temporary array per stream: this
  // runs on every routed request, and tsx names every closure it creates).
  const set: HeaderValueOption[] = []
  const named = new Set<string>()
  const hostPort = ctx.endpoint?.hostPort
  if (hostPort !== undefined && settings.destinationHeader !== '')
    put(set, named, settings.destinationHeader, hostPort)
  if (
    hostPort !== undefined &&
    settings.inferenceExtension &&
    !named.has(INFERENCE_EXTENSION_HEADER)
  )
    put(set, named, INFERENCE_EXTENSION_HEADER, hostPort)
  for (const [key, value] of ctx.upstreamHeaders) if (!named.has(key)) put(set, named, key, value)
  if (options.headerless) put(set, named, REQUEST_ID_HEADER, options.request.requestId)

  // Routing headers (when the headers phase was skipped) and a decision's header_mutation deletes,
  // each once, none that is set above.
  const remove: string[] = []
  if (options.headerless)
    for (const key of options.request.removeHeaders) removal(remove, named, key)
  for (const key of ctx.upstreamHeaderRemovals) removal(remove, named, key)
  if (settings.envoyRetry !== undefined) {
    const retry = envoyRetryMutation(settings.envoyRetry)
    set.push(...retry.set)
    remove.push(...retry.remove)
  }
  const rewrite = outcome.bodyChanged || chunked
  if (rewrite && !chunked) put(set, named, 'content-length', String(outcome.body.length))
  else if (rewrite) remove.push('content-length')

  const mutation: HeaderMutation = { set_headers: set }
  if (remove.length > 0) mutation.remove_headers = remove
  const common: CommonResponse = { header_mutation: mutation }
  if (rewrite) common.body_mutation = { body: outcome.body }
  if (settings.clearRouteCache) common.clear_route_cache = true
  const dynamicMetadata =
    settings.inferenceExtension && hostPort !== undefined
      ? metadataStruct({ [ENVOY_LB_NAMESPACE]: { [INFERENCE_EXTENSION_HEADER]: hostPort } })
      : undefined
  return { common, dynamicMetadata }
}

function put(set: HeaderValueOption[], named: Set<string>, key: string, value: string): void {
  named.add(key)
  set.push(setHeader(key, value))
}

function removal(remove: string[], named: ReadonlySet<string>, key: string): void {
  if (!named.has(key) && !remove.includes(key)) remove.push(key)
}

/** The pipeline's own answer (block, cache hit) as an ImmediateResponse. */
export function pipelineImmediate(
  response: ImmediateResponse,
  requestId: string,
): ProcessingResponse {
  return immediateResponse({
    status: response.status,
    headers: [...Object.entries(response.headers), [REQUEST_ID_HEADER, requestId]],
    body: response.body,
    details: `semantic_router_${response.kind}`,
  })
}

/** An OpenAI-shaped error as an ImmediateResponse (the same answer the gateway sends). */
export function errorImmediate(
  err: RouterError,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): ProcessingResponse {
  const reply = edgeErrorReply(err, requestId, headers)
  return immediateResponse({
    status: reply.status,
    headers: Object.entries(reply.headers),
    body: reply.body,
    details: `semantic_router_error_${err.code}`,
  })
}

export function modelsImmediate(
  list: Record<string, unknown>,
  requestId: string,
): ProcessingResponse {
  return immediateResponse({
    status: 200,
    headers: [
      ['content-type', 'application/json'],
      [REQUEST_ID_HEADER, requestId],
    ],
    body: JSON.stringify(list),
    details: 'semantic_router_models',
  })
}
