/**
 * The request pipeline contract shared by both transports (standalone gateway and Envoy ext_proc).
 *
 * A request flows through an ordered list of modules (classification, model selection, jailbreak,
 * PII, semantic cache, reasoning, system prompt, ...). Each module reads and updates the request
 * context; any module may stop processing by returning an immediate response (a block or a cache
 * hit). The transports never make routing decisions themselves: they turn bytes into a
 * RequestMeta + body, call the pipeline, and apply the outcome.
 */
import type { ClassifierChain } from '../classify/chain.js'
import type { CategoryClassification } from '../classify/types.js'
import type { PluginShape } from '../config/plugin.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { Logger } from '../log.js'
import type { ParsedChatRequest, Usage } from '../openai/types.js'
import type { EndpointTarget, Selection } from '../routing/selection/types.js'
import type { RoutingTables } from '../routing/tables.js'
import type { DecisionEngine, DecisionResult } from '../decisions/engine.js'
import type { RuntimeServices } from '../runtime/services.js'
import type { CallerIdentity } from './caller.js'

export type { EndpointTarget }

/** Version of the module API. A module built for another major version is refused at start-up. */
export const PLUGIN_API_VERSION = 1

export type Transport = 'gateway' | 'extproc'

export interface RequestMeta {
  readonly requestId: string
  readonly transport: Transport
  readonly method: string
  readonly path: string
  /** Lower-cased request headers as received (routing headers are never trusted). */
  readonly headers: Readonly<Record<string, string>>
  /** Client sent `Accept: text/event-stream`. */
  readonly acceptsEventStream: boolean
  /** performance.now() when the transport first saw the request. */
  readonly startedAt: number
  readonly signal?: AbortSignal
  /** Who is calling (set by the request edge; absent = anonymous: tools, tests). */
  readonly caller?: CallerIdentity
  /**
   * Failover (gateway): models already tried for this request, which routing must not pick again —
   * the request is decided anew for the decision's next candidate (its reasoning template and PII
   * policy applied as for any model).
   */
  readonly avoidModels?: ReadonlySet<string>
}

export interface ReasoningDecision {
  readonly enabled: boolean
  /**
   * The effort in effect: the configured one when reasoning is on; when off, the effort sent to a
   * `reasoning_effort` family (`low` unless the client sent one); absent when nothing is sent.
   * Header, metrics, logs and the `classify` CLI all report this one value.
   */
  readonly effort?: string
  /** reasoning_families key of the selected model, when it has one. */
  readonly family?: string
  /** Why: `category_config`, `entropy:<reason>`, `keyword_match_category_config`, ... */
  readonly reason: string
}

/** A complete answer produced by the router itself (block, cache hit, model list, error). */
export interface ImmediateResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly kind:
    'jailbreak_block' | 'pii_block' | 'cache_hit' | 'fast_response' | 'models' | 'error'
}

/**
 * Headers the router sets on a client response (ResponseTracker.begin): the request's own
 * `responseHeaders` Map on a 2xx (read-only, nothing copied per response) or a record.
 */
export type RouterHeaders = ReadonlyMap<string, string> | Readonly<Record<string, string>>

/** Per-request state. Modules read and write it; the pipeline turns it into an outcome. */
export interface RequestContext {
  readonly meta: RequestMeta
  readonly request: ParsedChatRequest
  readonly config: RouterConfig
  readonly services: RuntimeServices
  readonly log: Logger
  /** The request named the auto model (`auto_model_name`, or `auto`). */
  readonly autoRouted: boolean
  /** Text the classifiers see. */
  readonly classificationText: string

  /** Generic category name ('' when none or below threshold). */
  category: string
  confidence: number
  classification: CategoryClassification | undefined
  /** Model chosen (base name, used for endpoint and policy lookups). */
  selectedModel: string
  /** Name written into the body's `model` (a LoRA adapter name when one is configured). */
  upstreamModel: string
  reasonCode: string
  reasoning: ReasoningDecision | undefined
  systemPromptInjected: boolean
  /** Set by any module that edits request.body. */
  bodyChanged: boolean
  /** Headers to set on the upstream request (lower-case names). */
  readonly upstreamHeaders: Map<string, string>
  /** Client headers not to forward upstream (lower-case names; a decision's header_mutation). */
  readonly upstreamHeaderRemovals: Set<string>
  /** Headers to add to the client response on success (x-vsr-*). */
  readonly responseHeaders: Map<string, string>
  /** Module-private state, keyed by module name. */
  readonly moduleState: Map<string, unknown>
  /** Milliseconds spent per stage, for logs. */
  readonly timings: Record<string, number>
  /**
   * Extra fields for the request's one `routing_decision` log line: a module that changed the
   * decision says why here (e.g. the PII policy's re-route), instead of logging a decision itself.
   */
  readonly decisionLog: Record<string, unknown>
  /**
   * The router, not the client, asked the endpoint for the stream's usage chunk: the response
   * tracker takes it out of what the client receives.
   */
  streamUsageAdded: boolean
  endpoint: EndpointTarget | undefined
  /**
   * The request's decision evaluation (recipe, winning decision, confidence, matched signals);
   * undefined for a concrete model (no routing) or before the classification module ran.
   */
  decision: DecisionResult | undefined
  /**
   * How the model was chosen (`x-vsr-selected-algorithm`): the selector's kind, `single` (one
   * candidate), `default` (no candidate: default_model), `fast_response`; '' when not routed.
   */
  algorithm: string
}

/** What the transport learned about the upstream response. */
export interface ResponseRecord {
  readonly status: number
  readonly streaming: boolean
  /** Full body for non-streaming responses (bounded by upstream.max_response_bytes). */
  readonly body?: Buffer
  /** For streaming responses: the completion assembled from the SSE chunks. */
  readonly assembled?: AssembledCompletion
  readonly usage?: Usage
  /** Seconds from request start to the first byte / first content token. */
  readonly ttftSeconds?: number
  readonly latencySeconds: number
  /** Set when the response did not complete (client abort, upstream drop). */
  readonly error?: string
}

/** A streamed completion put back together (what a cache stores for a streaming request). */
export interface AssembledCompletion {
  readonly id: string
  readonly model: string
  readonly created: number
  readonly content: string
  readonly reasoningContent: string
  readonly finishReason: string | null
  readonly usage?: Usage
}

export type RequestHookResult = void | ImmediateResponse | undefined

/** A pipeline stage. */
export interface PipelineModule {
  readonly name: string
  readonly apiVersion: number
  /**
   * Optional head start, called for every module, in order, before any onRequest. A module may
   * start work that needs only the parsed request (model inference, a detector scan) so that it
   * overlaps with the modules before it; onRequest then awaits it. It must not answer, record
   * decisions or throw; whatever it starts must never reject unhandled. Added in API v1 without a
   * version bump: modules without it behave exactly as before.
   */
  prepare?(ctx: RequestContext): void
  /** Request phase. Return an ImmediateResponse to answer without calling upstream. */
  onRequest?(ctx: RequestContext): RequestHookResult | Promise<RequestHookResult>
  /**
   * After the upstream response finished (or failed). Also called, with `error` set, when the
   * request ends before reaching upstream because a later module answered or processing failed,
   * so a module can release what it holds. Errors here are logged, never surfaced.
   */
  onResponse?(ctx: RequestContext, response: ResponseRecord): void | Promise<void>
  close?(): Promise<void>
}

export interface ModuleBuildContext {
  readonly config: RouterConfig
  readonly services: RuntimeServices
  /** Category, endpoint and reasoning lookups compiled from the config. */
  readonly tables: RoutingTables
  /** The category classifier chain built from the config. */
  readonly classifiers: ClassifierChain
  /** The model selector and endpoint policy built from the config. */
  readonly selection: Selection
  /** Signals and decisions compiled from the config (src/decisions). */
  readonly decisions: DecisionEngine
}

/**
 * Fields of RequestContext that modules hand to each other. The pipeline gives each a default
 * value before the first module runs (no category, the requested model, no reasoning, ...).
 */
export type ContextField =
  | 'category'
  | 'confidence'
  | 'classification'
  | 'selectedModel'
  | 'upstreamModel'
  | 'reasonCode'
  | 'reasoning'
  | 'systemPromptInjected'
  | 'endpoint'
  | 'body'
  | 'decision'
  | 'algorithm'

/**
 * A typed entry of `moduleState` (see module-state.ts). A slot without `optional` has no default:
 * a module that reads it needs an earlier module that writes it.
 */
export interface StateSlot<T> {
  readonly name: string
  readonly optional: boolean
  /** Type witness only; never set. */
  readonly __type?: T
}

/** What a module declares it reads or writes on the request context. */
export type StateKey = ContextField | StateSlot<unknown>

/**
 * Registry entry for a module (the plug-in shape every extension point shares: kind, description,
 * options schema, factory). The kind is the name `pipeline.modules[].name` uses.
 */
export interface ModuleFactory<O = Record<string, never>> extends PluginShape<O> {
  readonly apiVersion: number
  /** Enabled when the config does not mention the module. */
  readonly enabledByDefault: boolean
  /** Modules that must run before this one when both are enabled (order that is not data flow). */
  readonly after?: readonly string[]
  /** Context fields and slots this module reads; checked against earlier writers at load. */
  readonly reads?: readonly StateKey[]
  /** Context fields and slots this module writes. */
  readonly writes?: readonly StateKey[]
  create(
    ctx: ModuleBuildContext,
    options: O,
  ): PipelineModule | null | Promise<PipelineModule | null>
}

export type RequestOutcome =
  | {
      readonly action: 'forward'
      readonly ctx: RequestContext
      /** Body to send upstream (the original bytes when nothing changed). */
      readonly body: Buffer
      readonly bodyChanged: boolean
    }
  | {
      readonly action: 'respond'
      readonly ctx: RequestContext
      readonly response: ImmediateResponse
    }
