/**
 * Follows one upstream response through either transport: status and headers, then body chunks,
 * then the end. Records usage, cost, latency, TTFT and TPOT, logs the request's single
 * `routing_decision` event, and runs the modules' response hooks (e.g. the cache write).
 */
import { RouterError, toOpenAIErrorBody } from '../errors.js'
import { parseRetryAfter } from '../http/retry-after.js'
import { logBuiltEvent, logEvent } from '../log.js'
import { label } from '../metrics/router-metrics.js'
import type { Usage } from '../openai/types.js'
import type { EndpointObservation, EndpointPolicy } from '../routing/selection/types.js'
import { normaliseUsage, SseAssembler } from './sse-assembler.js'
import { SseUsageStripper } from './sse-usage-stripper.js'
import { isThenable } from './thenable.js'
import type { Writable } from './writable.js'
import type {
  ImmediateResponse,
  PipelineModule,
  RequestContext,
  ResponseRecord,
  RouterHeaders,
} from './types.js'
import {
  NOT_JSON,
  parseJsonBody,
  upstreamErrorHeaders,
  upstreamErrorReply,
  upstreamProtocolError,
} from './upstream-error.js'

export interface TrackerDeps {
  readonly modules: readonly PipelineModule[]
  readonly maxResponseBytes: number
  /** Told how the request to the picked endpoint ended (latency, status, time to first byte). */
  readonly endpointPolicy?: Pick<EndpointPolicy, 'observe'>
  /** Told once the request is finished and logged (the pipeline publishes its DecisionEvent). */
  readonly finished?: (ctx: RequestContext, record: ResponseRecord) => void
}

const NONE: Readonly<Record<string, string>> = Object.freeze({})
/** flush() with nothing held back (every non-SSE response): one shared empty Buffer. */
const EMPTY = Buffer.alloc(0)

type Finished = Extract<EndpointObservation, { kind: 'finished' }>

/** One SSE event larger than this is not held back whole (the stream then passes as it is). */
const MAX_SSE_EVENT_BYTES = 1024 * 1024

export class ResponseTracker {
  private readonly ctx: RequestContext
  private readonly deps: TrackerDeps
  private status = 0
  /** A 429/503's Retry-After in ms (the endpoint's cool-down); undefined on every other answer. */
  private retryAfterMs: number | undefined
  private streaming = false
  private headersAt: number | undefined
  private readonly chunks: Buffer[] = []
  private bodyBytes = 0
  private oversize = false
  private assembler: SseAssembler | undefined
  private stripper: SseUsageStripper | undefined
  private finished: Promise<void> | undefined
  /**
   * A 2xx body `errorReply` already parsed (the gateway holds every non-streamed body to check it
   * is JSON): kept so the usage is read from that one parse, not from a second JSON.parse and
   * Buffer.concat of the same bytes at the end.
   */
  private checked: { readonly body: Buffer; readonly json: unknown } | undefined
  /** The upstream broke the protocol (impossible status, invalid body, stream cut short). */
  private protocolFailure: 'upstream_protocol_error' | 'upstream_stream_aborted' | undefined

  constructor(ctx: RequestContext, deps: TrackerDeps) {
    this.ctx = ctx
    this.deps = deps
  }

  /**
   * Record the upstream status and headers; returns the router's headers for the client response:
   * the request's own Map on a 2xx (read-only; nothing is copied per response) or a record.
   */
  begin(
    status: number,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): RouterHeaders {
    this.status = status
    this.headersAt = performance.now()
    const contentType = headers['content-type']
    const type = Array.isArray(contentType) ? contentType.join(',') : (contentType ?? '')
    // A status no HTTP server sends (999) is a protocol error, answered by errorReply.
    if (impossibleStatus(status)) return NONE
    this.streaming = type.includes('text/event-stream')
    if (this.streaming) this.assembler = new SseAssembler(this.deps.maxResponseBytes)
    if (this.streaming && this.ctx.streamUsageAdded && status >= 200 && status < 300)
      this.stripper = new SseUsageStripper(MAX_SSE_EVENT_BYTES)
    const metrics = this.ctx.services.metrics
    if (status >= 200 && status < 300) return this.ctx.responseHeaders
    if (status >= 500) metrics.recordError(this.ctx.upstreamModel, 'upstream_5xx')
    else if (status >= 400) metrics.recordError(this.ctx.upstreamModel, 'upstream_4xx')
    if (status === 429 || status === 503) this.retryAfterMs = retryAfterOf(headers)
    return status >= 400 ? upstreamErrorHeaders(this.ctx) : NONE
  }

  /** True when the transport should hold the body and ask `errorReply` before sending it. */
  get isUpstreamError(): boolean {
    return (this.status >= 400 || impossibleStatus(this.status)) && !this.streaming
  }

  /**
   * The gateway holds every non-streamed body (up to MAX_HELD_ERROR_BODY) and asks `errorReply`
   * at its end, so a 200 whose body is not JSON never reaches the client as a success.
   */
  get holdsBody(): boolean {
    return !this.streaming
  }

  /**
   * For a held body (`isUpstreamError`, `holdsBody`) at its end: the router's answer to send
   * instead, or undefined to pass the endpoint's body through (see upstream-error.ts). An
   * impossible status, or a 2xx whose body is not JSON, is 502 `upstream_protocol_error`.
   */
  errorReply(body: Buffer): ImmediateResponse | undefined {
    const status = this.status
    if (impossibleStatus(status)) return this.protocolError(`answered HTTP status ${status}`)
    if (status >= 200 && status < 300) {
      const json = parseJsonBody(body)
      if (json !== NOT_JSON) {
        this.checked = { body, json }
        return undefined
      }
      return this.protocolError(
        `answered ${status} with ${body.length === 0 ? 'an empty body' : 'a body that is not JSON'}`,
      )
    }
    if (status < 400) return undefined
    return upstreamErrorReply(this.ctx, status, body)
  }

  private protocolError(what: string): ImmediateResponse {
    this.protocolFailure = 'upstream_protocol_error'
    this.ctx.services.metrics.recordError(this.ctx.upstreamModel, 'upstream_protocol_error')
    return upstreamProtocolError(this.ctx, this.status, what)
  }

  /**
   * One chunk of the upstream body. Returns the bytes to send the client for it: the chunk itself,
   * or, when the router asked for the stream's usage, the chunk without it (possibly empty while
   * an event is incomplete). The same Buffer comes back when nothing changed.
   */
  onChunk(chunk: Buffer): Buffer {
    if (this.assembler) {
      this.assembler.push(chunk)
      return this.stripper ? this.stripper.push(chunk) : chunk
    }
    this.keep(chunk)
    return chunk
  }

  /**
   * The end of the upstream body: bytes still held back for the client (usually none), and, for
   * a 2xx stream that ended without its end marker (`[DONE]` or a `finish_reason`), an error
   * event (`upstream_stream_aborted`), so OpenAI clients raise an error instead of keeping a
   * silently short answer.
   */
  flush(): Buffer {
    const rest = this.stripper?.end() ?? EMPTY
    const assembler = this.assembler
    if (!assembler || this.status < 200 || this.status >= 300) return rest
    assembler.end()
    if (assembler.sawDone || assembler.finished || assembler.truncated) return rest
    this.protocolFailure = 'upstream_stream_aborted'
    this.ctx.services.metrics.recordError(this.ctx.upstreamModel, 'upstream_stream_aborted')
    const error = new RouterError(
      'upstream_stream_aborted',
      'The upstream stream ended without [DONE] or a finish_reason: the answer is incomplete',
    )
    const event = Buffer.from(`data: ${JSON.stringify(toOpenAIErrorBody(error))}\n\n`)
    return rest.length === 0 ? event : Buffer.concat([rest, event])
  }

  private keep(chunk: Buffer): void {
    if (this.oversize) return
    this.bodyBytes += chunk.length
    if (this.bodyBytes > this.deps.maxResponseBytes) {
      this.oversize = true
      this.chunks.length = 0
      return
    }
    this.chunks.push(chunk)
  }

  /** Finish the response (idempotent). `error` marks an incomplete response. */
  finish(error?: string): Promise<void> {
    this.finished ??= this.complete(error)
    return this.finished
  }

  private async complete(error: string | undefined): Promise<void> {
    const ctx = this.ctx
    const now = performance.now()
    const latencySeconds = (now - ctx.meta.startedAt) / 1000
    const record = this.buildRecord(latencySeconds, error)
    recordUsageMetrics(ctx, record)
    logDecision(ctx, record)
    this.deps.finished?.(ctx, record)
    const policy = this.deps.endpointPolicy
    if (ctx.endpoint && policy?.observe) {
      // Optional fields set only when present (no spread of a temporary object per field).
      const event: Writable<Finished> = {
        kind: 'finished',
        endpoint: ctx.endpoint.name,
        model: ctx.selectedModel,
        requestId: ctx.meta.requestId,
        status: record.status,
        latencySeconds: record.latencySeconds,
      }
      if (record.ttftSeconds !== undefined) event.ttftSeconds = record.ttftSeconds
      if (record.usage) event.completionTokens = record.usage.completion_tokens
      if (record.error !== undefined) event.error = record.error
      if (this.retryAfterMs !== undefined) event.retryAfterMs = this.retryAfterMs
      policy.observe(event)
    }
    for (const module of this.deps.modules) {
      if (!module.onResponse) continue
      try {
        // As for onRequest (pipeline.ts): most hooks answer synchronously; only a promise is awaited.
        const pending = module.onResponse(ctx, record)
        if (isThenable(pending)) await pending
      } catch (err) {
        logEvent(
          ctx.log,
          'module_response_hook_failed',
          { request_id: ctx.meta.requestId, module: module.name, error: (err as Error).message },
          'warn',
        )
      }
    }
  }

  private buildRecord(latencySeconds: number, error: string | undefined): ResponseRecord {
    const ctx = this.ctx
    let usage: Usage | undefined
    let body: Buffer | undefined
    let ttft: number | undefined
    const assembled = this.assembler
    if (assembled) {
      assembled.end()
      usage = assembled.usage
      if (assembled.firstTokenAt !== undefined)
        ttft = (assembled.firstTokenAt - ctx.meta.startedAt) / 1000
    } else if (this.checked !== undefined && !this.oversize) {
      // The same bytes the tracker kept (the transport held what onChunk returned, unchanged).
      body = this.checked.body
      usage = usageOf(this.checked.json)
      if (this.headersAt !== undefined) ttft = (this.headersAt - ctx.meta.startedAt) / 1000
    } else {
      if (!this.oversize && this.chunks.length > 0) body = Buffer.concat(this.chunks)
      usage = body ? usageFromJson(body) : undefined
      if (this.headersAt !== undefined) ttft = (this.headersAt - ctx.meta.startedAt) / 1000
    }
    const completion = assembled?.result()
    const incomplete =
      error ??
      this.protocolFailure ??
      (assembled && !assembled.sawDone ? 'stream_incomplete' : undefined)
    const record: Writable<ResponseRecord> = {
      status: this.protocolFailure === 'upstream_protocol_error' ? 502 : this.status,
      streaming: this.streaming,
      latencySeconds,
    }
    if (body) record.body = body
    if (completion) record.assembled = completion
    if (usage) record.usage = usage
    if (ttft !== undefined) record.ttftSeconds = ttft
    if (incomplete !== undefined) record.error = incomplete
    return record
  }
}

function usageFromJson(body: Buffer): Usage | undefined {
  const parsed = parseJsonBody(body)
  return parsed === NOT_JSON ? undefined : usageOf(parsed)
}

function usageOf(parsed: unknown): Usage | undefined {
  const usage = (parsed as { usage?: Record<string, unknown> } | null)?.usage
  return usage ? normaliseUsage(usage) : undefined
}

export interface CostResult {
  readonly cost: number
  readonly currency: string
  readonly priced: boolean
}

export function costOf(ctx: RequestContext, usage: Usage | undefined): CostResult {
  const pricing = ctx.config.model_config[ctx.selectedModel]?.pricing
  if (!pricing || !usage)
    return { cost: 0, currency: pricing?.currency ?? 'unknown', priced: false }
  const cost =
    (usage.prompt_tokens * pricing.prompt_per_1m +
      usage.completion_tokens * pricing.completion_per_1m) /
    1e6
  return { cost, currency: pricing.currency, priced: true }
}

function recordUsageMetrics(ctx: RequestContext, record: ResponseRecord): void {
  const m = ctx.services.metrics
  const model = m.modelLabel(ctx.upstreamModel)
  if (record.status >= 200 && record.status < 300 && !record.error)
    m.completionLatency.observe({ model }, record.latencySeconds)
  if (record.ttftSeconds !== undefined) m.ttft.observe({ model }, record.ttftSeconds)
  const usage = record.usage
  if (!usage) return
  m.modelPromptTokens.inc({ model }, usage.prompt_tokens)
  m.modelCompletionTokens.inc({ model }, usage.completion_tokens)
  m.modelTokens.inc({ model }, usage.prompt_tokens + usage.completion_tokens)
  m.promptTokensPerRequest.observe({ model }, usage.prompt_tokens)
  m.completionTokensPerRequest.observe({ model }, usage.completion_tokens)
  if (usage.completion_tokens > 0) {
    const generation =
      record.streaming && record.ttftSeconds !== undefined
        ? record.latencySeconds - record.ttftSeconds
        : record.latencySeconds
    m.tpot.observe({ model }, Math.max(0, generation) / usage.completion_tokens)
  }
  const cost = costOf(ctx, usage)
  if (!cost.priced) return
  m.modelCost.inc({ model, currency: cost.currency }, cost.cost)
  m.categoryCost.inc({ category: label(ctx.category), currency: cost.currency }, cost.cost)
}

/**
 * The request's one `routing_decision` event (decision, usage, cost, latency). Built only when the
 * logger writes info lines: at a level that drops it (warn, error, silent) nothing is computed.
 */
export function logDecision(
  ctx: RequestContext,
  record: Pick<ResponseRecord, 'status' | 'latencySeconds' | 'usage' | 'error'>,
  outcome = 'forwarded',
): void {
  if (!ctx.log.isLevelEnabled('info')) return
  const cost = costOf(ctx, record.usage)
  // A blocked request went to no model: the model routing had picked before the block is not
  // named, so the line cannot be read as "routed to <model>".
  const blocked = outcome === 'jailbreak_block' || outcome === 'pii_block'
  const reasoning = blocked ? undefined : ctx.reasoning
  const fields: { event: string; [key: string]: unknown } = {
    event: 'routing_decision',
    request_id: ctx.meta.requestId,
    transport: ctx.meta.transport,
    outcome,
    reason_code: blocked ? outcome : ctx.reasonCode,
    original_model: ctx.request.model,
    selected_model: blocked ? '' : ctx.upstreamModel,
    category: ctx.category,
    confidence: Number(ctx.confidence.toFixed(4)),
    recipe: ctx.decision?.recipe.name ?? '',
    decision: ctx.decision?.decision?.name ?? '',
    decision_confidence: Number((ctx.decision?.confidence ?? 0).toFixed(4)),
    algorithm: ctx.algorithm,
    classifier: ctx.classification?.source ?? '',
    reasoning_enabled: reasoning?.enabled ?? false,
    reasoning_effort: reasoning?.effort ?? '',
    reasoning_reason: reasoning?.reason ?? '',
    system_prompt_injected: !blocked && ctx.systemPromptInjected,
    selected_endpoint: (!blocked && ctx.endpoint?.hostPort) || '',
    status: record.status,
    prompt_tokens: record.usage?.prompt_tokens ?? 0,
    completion_tokens: record.usage?.completion_tokens ?? 0,
    total_tokens: record.usage?.total_tokens ?? 0,
    cost: cost.cost,
    currency: cost.currency,
    routing_latency_ms: Number((ctx.timings['routing_total'] ?? 0).toFixed(3)),
    latency_ms: Number((record.latencySeconds * 1000).toFixed(3)),
  }
  // Last, as before; set only when present (no spread of a temporary object per request).
  if (record.error !== undefined) fields['error'] = record.error
  // What modules add (why they changed the decision) never overwrites the fields above.
  const extra = ctx.decisionLog
  for (const key in extra) if (!(key in fields)) fields[key] = extra[key]
  logBuiltEvent(ctx.log, fields)
}

/** No HTTP server sends these as a final status (undici passes 999 through). */
function impossibleStatus(status: number): boolean {
  return status < 200 || status > 599
}

function retryAfterOf(headers: Readonly<Record<string, string | string[] | undefined>>) {
  const value = headers['retry-after']
  return typeof value === 'string' ? parseRetryAfter(value) : undefined
}
