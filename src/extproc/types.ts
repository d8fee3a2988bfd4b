/**
 * What the ext_proc transport needs from the rest of the router. The request pipeline
 * (src/pipeline) satisfies these interfaces; ext_proc holds no routing logic of its own.
 */
import type { BodyBudget } from '../edge/body-budget.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { KeySource } from '../edge/request-edge.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type {
  ImmediateResponse,
  RequestContext,
  RequestMeta,
  RequestOutcome,
  RouterHeaders,
  Transport,
} from '../pipeline/types.js'

export interface ExtProcResponseTracker {
  /**
   * Upstream status and headers; returns the x-vsr-* headers to add to the client response
   * (read-only: the request's own Map on a 2xx, nothing copied).
   */
  begin(status: number, headers: Readonly<Record<string, string>>): RouterHeaders
  /** Returns the bytes to send the client for this chunk (the same Buffer when unchanged). */
  onChunk(chunk: Buffer): Buffer
  /** Bytes held back for the client at the end of the body (usually none). */
  flush(): Buffer
  /** The upstream answered 4xx/5xx with a body that is not an SSE stream. */
  readonly isUpstreamError: boolean
  /** The body is not an SSE stream: a whole one is checked by errorReply (a 2xx must be JSON). */
  readonly holdsBody: boolean
  /**
   * For an upstream error or a whole non-stream body: the router's answer instead of the body, or
   * undefined to pass it.
   */
  errorReply(body: Buffer): ImmediateResponse | undefined
  /** Idempotent. `error` marks a response that did not complete. */
  finish(error?: string): Promise<void>
}

export interface ExtProcPipeline {
  /** Throws RouterError for bad input (already counted and logged by the pipeline). */
  handleRequest(raw: Buffer, meta: RequestMeta): Promise<RequestOutcome>
  listModels(transport: Transport): Record<string, unknown>
  startResponse(ctx: RequestContext): ExtProcResponseTracker
  /** Identity headers a passthrough request (Envoy forwards it unrouted) must lose. */
  passthroughHeaderRemovals(
    meta: Pick<RequestMeta, 'transport' | 'headers' | 'caller'>,
  ): readonly string[]
}

/** The live runtime. Each stream binds to the runtime current when it opened (hot reload safe). */
export interface ExtProcRuntime {
  readonly config: RouterConfig
  readonly pipeline: ExtProcPipeline
  readonly services: {
    readonly log: Logger
    readonly metrics: RouterMetrics
    /**
     * Where the API keys are (RouterState); without it the edge authenticates nobody. Its
     * `requestBytes` is the in-flight body budget both transports share.
     */
    readonly state?: KeySource & { readonly requestBytes?: BodyBudget }
  }
}

/** A runtime held for one stream; released when the stream ends (see src/assembly/live-runtime.ts). */
export interface ExtProcLease {
  readonly runtime: ExtProcRuntime
  release(): void
}

/** Where streams get their runtime: the current one, leased for the stream's lifetime. */
export interface ExtProcRuntimeSource {
  acquire(): ExtProcLease
}
