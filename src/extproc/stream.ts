/**
 * One ext_proc stream = one HTTP request. Envoy sends the request headers, the request body (one
 * BUFFERED message or several STREAMED chunks), then the response headers and body; each message
 * gets exactly one reply, in order (none in observability mode). This class turns each message
 * into its reply; the server (server.ts) owns the gRPC plumbing.
 *
 * What the request is (kind, id, routing headers, admission, deadline) is the request edge's
 * decision (src/edge) and routing is the pipeline's: this class only collects the request, asks the
 * edge, calls the pipeline once the body is complete, and translates the outcome into header/body
 * mutations or an ImmediateResponse.
 */
import type { EdgeRejection } from '../edge/admission.js'
import { serverOverloaded, type BodyReservation } from '../edge/body-budget.js'
import { decideWithin } from '../edge/decide.js'
import { edgeErrorReason, type EdgeRequest, type RequestEdge } from '../edge/request-edge.js'
import { RouterError, toRouterError } from '../errors.js'
import { REQUEST_ID_HEADER } from '../http/request-id.js'
import { logRequestError } from '../http/respond.js'
import { logEvent, type Logger } from '../log.js'
import type {
  RequestContext,
  RequestMeta,
  RequestOutcome,
  RouterHeaders,
} from '../pipeline/types.js'
import { MAX_HELD_ERROR_BODY } from '../pipeline/upstream-error.js'
import {
  edgeHeaderMutation,
  errorImmediate,
  forwardReply,
  modelsImmediate,
  pipelineImmediate,
} from './request-phase.js'
import { streamSettings, type StreamSettings } from './settings.js'
import type { ExtProcResponseTracker, ExtProcRuntime } from './types.js'
import {
  BodySendMode,
  headersToRecord,
  setHeader,
  type CommonResponse,
  type HttpBody,
  type HeaderValueOption,
  type HttpHeaders,
  type ProcessingRequest,
  type ProcessingResponse,
  type ProtocolConfiguration,
} from './wire.js'

/**
 * The router's headers for the client response and the request id, as Envoy header options: the
 * request id takes the place of a header of that name. Read straight from the tracker's Map or
 * record (no merged object and entry arrays per stream).
 */
function clientHeaders(added: RouterHeaders, requestId: string): HeaderValueOption[] {
  const out: HeaderValueOption[] = []
  let idSet = false
  const entries: Iterable<readonly [string, string]> =
    added instanceof Map ? (added as ReadonlyMap<string, string>) : Object.entries(added)
  for (const [key, value] of entries) {
    const isId = key === REQUEST_ID_HEADER
    idSet ||= isId
    out.push(setHeader(key, isId ? requestId : value))
  }
  if (!idSet) out.push(setHeader(REQUEST_ID_HEADER, requestId))
  return out
}

/** A message Envoy would never send in this state; the stream ends with INVALID_ARGUMENT. */
export class ExtProcProtocolError extends Error {
  override readonly name = 'ExtProcProtocolError'
}

/** Non-chat requests: ask Envoy (when overrides are allowed) to send nothing more. */
const PASSTHROUGH_MODE = {
  response_header_mode: 2, // SKIP
  request_body_mode: BodySendMode.NONE,
  response_body_mode: BodySendMode.NONE,
}

const CONTINUE: CommonResponse = {}

/**
 * 5xx answers the router gives on purpose, not failures of processing, so failure_mode open must
 * not turn them into a pass-through: every endpoint that could take the request is cooling down
 * after a 503 with Retry-After (the upstream asked not to get one), and the rate-limit store is
 * away with `on_store_error: deny` (the operator asked for no unlimited traffic meanwhile).
 */
const REFUSALS: ReadonlySet<string> = new Set(['upstream_overloaded', 'limits_unavailable'])

type Phase = 'request_headers' | 'request_body'

export class ExtProcStream {
  private readonly runtime: ExtProcRuntime
  private readonly edge: RequestEdge
  private readonly settings: StreamSettings
  private readonly log: Logger
  /**
   * Aborts the work done for the request (timeout, Envoy reset). Created on first use: most
   * streams finish without anyone asking for the signal (keyword routing, no guards), and an
   * AbortController per stream is measurable at thousands of streams per second.
   */
  private controller: AbortController | undefined
  private readonly startedAt = performance.now()
  private protocol: ProtocolConfiguration | undefined
  private info: EdgeRequest | undefined
  private headersSeen = false
  private chunks: Buffer[] = []
  private bodyBytes = 0
  /** This request's share of the in-flight body budget (none without RouterState). */
  private readonly bytes: BodyReservation | undefined
  private chunked = false
  /** A response body message was seen (an error body split over messages is passed, not replaced). */
  private bodySeen = false
  /** The pipeline was called (or the request was answered): later request bodies pass through. */
  private decided = false
  private ctx: RequestContext | undefined
  private tracker: ExtProcResponseTracker | undefined
  private responseFinished = false
  private closed = false

  /** `edge` is the request edge of `runtime`'s config (the server builds it once per config). */
  constructor(runtime: ExtProcRuntime, edge: RequestEdge) {
    this.runtime = runtime
    this.edge = edge
    this.settings = streamSettings(runtime.config)
    this.log = runtime.services.log
    this.bytes = runtime.services.state?.requestBytes?.open(
      runtime.config.server.max_inflight_body_bytes,
    )
  }

  /** The reply to one message, or null when Envoy expects none (observability mode). */
  async handle(message: ProcessingRequest): Promise<ProcessingResponse | null> {
    if (message.protocol_config) this.protocol = message.protocol_config
    const reply = await this.dispatch(message)
    return message.observability_mode === true ? null : reply
  }

  private dispatch(message: ProcessingRequest): Promise<ProcessingResponse> | ProcessingResponse {
    switch (message.request) {
      case 'request_headers':
        return this.onRequestHeaders(message.request_headers ?? {})
      case 'request_body':
        return this.onRequestBody(message.request_body ?? {})
      case 'response_headers':
        return this.onResponseHeaders(message.response_headers ?? {})
      case 'response_body':
        return this.onResponseBody(message.response_body ?? {})
      case 'request_trailers':
        return { request_trailers: {} }
      case 'response_trailers':
        return this.finishResponse(undefined).then(() => ({ response_trailers: {} }))
      case undefined:
        throw new ExtProcProtocolError('ProcessingRequest carries no request')
    }
  }

  private async onRequestHeaders(message: HttpHeaders): Promise<ProcessingResponse> {
    if (this.headersSeen) throw new ExtProcProtocolError('request_headers received twice')
    this.headersSeen = true
    const headers = headersToRecord(message.headers)
    const info = this.edge.describe({
      method: headers[':method'] ?? '',
      target: headers[':path'] ?? '',
      headers,
    })
    this.info = info
    if (info.rejection) return this.rejected(info.rejection)
    if (info.kind === 'models') {
      this.decided = true
      return modelsImmediate(this.runtime.pipeline.listModels('extproc'), info.requestId)
    }
    if (info.kind === 'passthrough') {
      this.decided = true
      // Envoy forwards it (the edge has checked its key unless auth.extproc_other_paths is pass):
      // the caller's identity headers go by the same rule as a chat request's.
      const identity = this.runtime.pipeline.passthroughHeaderRemovals({
        transport: 'extproc',
        headers: info.headers,
        caller: info.caller,
      })
      const removed =
        identity.length === 0
          ? info
          : { ...info, removeHeaders: [...info.removeHeaders, ...identity] }
      const response: CommonResponse = { header_mutation: edgeHeaderMutation(removed) }
      return { request_headers: { response }, mode_override: PASSTHROUGH_MODE }
    }
    const strip: CommonResponse = { header_mutation: edgeHeaderMutation(info) }
    if (message.end_of_stream === true) return this.decide(Buffer.alloc(0), 'request_headers')
    return { request_headers: { response: strip } }
  }

  private async onRequestBody(message: HttpBody): Promise<ProcessingResponse> {
    // request_header_mode SKIP: the first message is the body.
    this.info ??= this.edge.headerless()
    if (this.decided || this.info.kind !== 'chat') return { request_body: { response: CONTINUE } }
    const chunk = message.body ?? Buffer.alloc(0)
    this.bodyBytes += chunk.length
    if (this.bodyBytes > this.edge.maxBodyBytes) return this.tooLarge()
    if (this.bytes && !this.bytes.grow(this.bodyBytes)) return this.overloaded()
    if (chunk.length > 0) this.chunks.push(chunk)
    if (!this.bodyComplete(message)) {
      // BUFFERED_PARTIAL stops here when the body outgrew Envoy's buffer: we never see the rest.
      if (this.protocol?.request_body_mode === BodySendMode.BUFFERED_PARTIAL) return this.tooLarge()
      // STREAMED: hold each chunk back; the whole (possibly rewritten) body goes out with the last.
      this.chunked = true
      return { request_body: { response: { body_mutation: { clear_body: true } } } }
    }
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
    this.chunks = []
    return this.decide(body, 'request_body')
  }

  /**
   * The body is complete at end_of_stream, or, when trailers follow (the last body message then
   * lacks end_of_stream), once Envoy says it buffers or content-length bytes have arrived.
   */
  private bodyComplete(message: HttpBody): boolean {
    if (message.end_of_stream === true || message.end_of_stream_without_message === true)
      return true
    if (this.protocol?.request_body_mode === BodySendMode.BUFFERED) return true
    const declared = this.info?.headers['content-length']
    return declared !== undefined && declared !== '' && this.bodyBytes >= Number(declared)
  }

  private tooLarge(): ProcessingResponse {
    this.chunks = []
    return this.rejected({ error: this.edge.bodyTooLarge(), headers: {}, counted: true })
  }

  private overloaded(): ProcessingResponse {
    this.chunks = []
    const error = serverOverloaded(this.runtime.config.server.max_inflight_body_bytes)
    return this.rejected({ error, headers: {}, counted: true })
  }

  /** The edge refused the request: the same answer, count and log line as on the gateway. */
  private rejected(rejection: EdgeRejection): ProcessingResponse {
    this.decided = true
    this.bytes?.release()
    const info = this.info!
    if (rejection.counted)
      this.runtime.services.metrics.recordError(undefined, rejection.error.code)
    logRequestError(rejection.error, this.logContext())
    return this.answered(errorImmediate(rejection.error, info.requestId, rejection.headers))
  }

  private logContext(): Parameters<typeof logRequestError>[1] {
    const info = this.info
    return {
      log: this.log,
      requestId: info?.requestId ?? '',
      transport: 'extproc',
      method: info?.method ?? '',
      path: info?.path ?? '',
    }
  }

  /** The router answered the request itself: nothing of the response is left to track. */
  private answered(reply: ProcessingResponse): ProcessingResponse {
    this.responseFinished = true
    return reply
  }

  /** Run the pipeline on the complete body and turn its outcome into the reply for `phase`. */
  private async decide(body: Buffer, phase: Phase): Promise<ProcessingResponse> {
    this.decided = true
    const info = this.info!
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const stream = this
    const meta: RequestMeta = {
      requestId: info.requestId,
      transport: 'extproc',
      method: info.method,
      path: info.path,
      headers: info.headers,
      acceptsEventStream: info.acceptsEventStream,
      caller: info.caller,
      startedAt: this.startedAt,
      get signal() {
        return stream.abortSignal()
      },
    }
    let outcome: RequestOutcome
    try {
      outcome = await decideWithin(
        this.runtime.pipeline,
        body,
        meta,
        this.edge.deadlineMs,
        () => this.abortWork(),
        this.log,
      )
    } catch (err) {
      return this.failure(err, body, phase)
    } finally {
      // The body is decided: what is forwarded leaves with this reply.
      this.bytes?.release()
    }
    if (outcome.action === 'respond')
      return this.answered(pipelineImmediate(outcome.response, info.requestId))
    this.ctx = outcome.ctx
    // Envoy gave up while the pipeline ran: record the decision as cancelled; no reply is read.
    if (this.closed) await this.finishResponse('cancelled')
    const reply = forwardReply(outcome, {
      settings: this.settings,
      chunked: this.chunked,
      request: info,
      headerless: !this.headersSeen,
    })
    const response: ProcessingResponse =
      phase === 'request_body'
        ? { request_body: { response: reply.common } }
        : { request_headers: { response: reply.common } }
    if (reply.dynamicMetadata) response.dynamic_metadata = reply.dynamicMetadata
    return response
  }

  /**
   * Bad input is answered as the gateway would (4xx), and so are the router's deliberate refusals
   * (REFUSALS). Anything else follows failure_mode: open lets the request through unmodified
   * (re-emitting held-back chunks), closed answers an error.
   */
  private failure(err: unknown, body: Buffer, phase: Phase): ProcessingResponse {
    const error = toRouterError(err)
    const requestId = this.info!.requestId
    if (error.status < 500 || REFUSALS.has(error.code))
      return this.answered(errorImmediate(error, requestId))
    if (!(err instanceof RouterError) || error.code === 'processing_timeout')
      this.runtime.services.metrics.recordError(undefined, edgeErrorReason(error.code))
    logRequestError(error, {
      ...this.logContext(),
      fields: {
        failure_mode: this.settings.failureMode,
        ...(err instanceof Error && !(err instanceof RouterError) ? { cause: err.message } : {}),
      },
    })
    if (this.settings.failureMode === 'closed')
      return this.answered(errorImmediate(error, requestId))
    const common: CommonResponse = this.chunked
      ? { body_mutation: { body }, header_mutation: { remove_headers: ['content-length'] } }
      : CONTINUE
    return phase === 'request_body'
      ? { request_body: { response: common } }
      : { request_headers: { response: common } }
  }

  private async onResponseHeaders(message: HttpHeaders): Promise<ProcessingResponse> {
    const ctx = this.ctx
    if (!ctx || this.tracker) return { response_headers: { response: CONTINUE } }
    const headers = headersToRecord(message.headers)
    const status = Number.parseInt(headers[':status'] ?? '', 10) || 0
    const tracker = this.runtime.pipeline.startResponse(ctx)
    this.tracker = tracker
    const added = tracker.begin(status, headers)
    const reply: ProcessingResponse = {
      response_headers: {
        response: { header_mutation: { set_headers: clientHeaders(added, ctx.meta.requestId) } },
      },
    }
    // SSE must flow chunk by chunk to the client; Envoy would otherwise buffer the whole stream.
    if ((headers['content-type'] ?? '').includes('text/event-stream'))
      reply.mode_override = { response_body_mode: BodySendMode.STREAMED }
    if (message.end_of_stream === true) {
      // An upstream error with no body at all: the router answers in its place.
      const replacement = tracker.isUpstreamError ? tracker.errorReply(Buffer.alloc(0)) : undefined
      await this.finishResponse(undefined)
      if (replacement) return pipelineImmediate(replacement, ctx.meta.requestId)
    }
    return reply
  }

  private async onResponseBody(message: HttpBody): Promise<ProcessingResponse> {
    const tracker = this.tracker
    if (tracker) {
      const body = message.body ?? Buffer.alloc(0)
      const eos = message.end_of_stream === true
      // What the client gets: the body, minus a usage chunk the router asked for on its behalf.
      let out = body.length > 0 ? tracker.onChunk(body) : body
      if (eos) {
        const rest = tracker.flush()
        if (rest.length > 0) out = Buffer.concat([out, rest])
      }
      // A whole body in one message (BUFFERED, nothing sent to the client yet): an upstream error
      // body that is no use, or a 2xx that is not JSON (upstream_protocol_error, as the gateway
      // answers it), is replaced. Split over messages (STREAMED) the status has already gone out.
      const whole =
        eos &&
        !this.bodySeen &&
        (tracker.isUpstreamError || (tracker.holdsBody && body.length <= MAX_HELD_ERROR_BODY))
      this.bodySeen = true
      const replacement = whole ? tracker.errorReply(body) : undefined
      if (eos) await this.finishResponse(undefined)
      if (replacement && this.ctx) return pipelineImmediate(replacement, this.ctx.meta.requestId)
      if (out !== body)
        return {
          response_body: {
            response: { body_mutation: out.length > 0 ? { body: out } : { clear_body: true } },
          },
        }
    }
    return { response_body: { response: CONTINUE } }
  }

  private async finishResponse(error: string | undefined): Promise<void> {
    const ctx = this.ctx
    if (!ctx || this.responseFinished) return
    this.responseFinished = true
    this.tracker ??= this.runtime.pipeline.startResponse(ctx)
    try {
      await this.tracker.finish(error)
    } catch (err) {
      logEvent(
        this.log,
        'extproc_response_tracking_failed',
        { request_id: ctx.meta.requestId, error: (err as Error).message },
        'warn',
      )
    }
  }

  private abortSignal(): AbortSignal {
    this.controller ??= new AbortController()
    return this.controller.signal
  }

  private abortWork(): void {
    this.controller ??= new AbortController()
    this.controller.abort()
  }

  /**
   * The stream ended. `end`: Envoy half-closed (the response may have finished with trailers we
   * were not sent, or Envoy skipped the response phases). `cancelled`: Envoy reset the stream
   * (client gone, timeout); work in flight is aborted and the request counted as cancelled.
   */
  async close(reason: 'end' | 'cancelled'): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.bytes?.release()
    if (reason === 'cancelled') {
      this.abortWork()
      const inFlight = this.info?.kind === 'chat' && !this.responseFinished
      if (inFlight)
        this.runtime.services.metrics.recordError(this.ctx?.upstreamModel, 'cancellation')
      await this.finishResponse('cancelled')
      return
    }
    await this.finishResponse(this.tracker ? undefined : 'response_not_observed')
  }
}
