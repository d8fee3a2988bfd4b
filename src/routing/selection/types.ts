/**
 * Selection: which model answers a request (ModelSelector) and which endpoint of that model gets
 * it (EndpointPolicy). Both are plug-ins with the shared shape (kind, description, options schema,
 * factory), chosen by `pipeline.model_selector` and `pipeline.endpoint_policy`, built once per
 * config and run by the routing and PII modules (src/pipeline/modules/selection.ts).
 *
 * The shapes leave room for what comes next: selectors get scored candidates and named constraints
 * and answer with a reason (multi-factor, Elo, bandits per decision); policies get a pick context
 * (request id, endpoints to avoid) and observations from the response side (start, end, status,
 * time to first byte) for load- and latency-aware picking, outlier ejection and retries.
 */
import type { PluginShape } from '../../config/plugin.js'
import type { ModelScoreConfig, RouterConfig } from '../../config/schema/index.js'
import type { Logger } from '../../log.js'
import type { Decision, ModelRef } from '../../decisions/types.js'
import type { EndpointStats } from '../../runtime/endpoint-stats.js'
import type { Learning } from './learning.js'
import type { EndpointObservation } from './observation.js'
import type { ModelLiveStats } from './live-stats.js'

/** One upstream endpoint as transports need it. */
export interface EndpointTarget {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly protocol: 'http' | 'https'
  /** `address:port` (IPv6 in brackets), the value of the destination header. */
  readonly hostPort: string
  readonly apiKeyEnv?: string
}

export interface ModelCandidate {
  /** Base model name (endpoint and policy lookups). */
  readonly model: string
  /** Name for the request body: the LoRA adapter when configured, else the model. */
  readonly upstreamModel: string
  readonly score: number
  /** The config entry the candidate came from (use_reasoning, lora_name, ...). */
  readonly config?: ModelScoreConfig
  /** The decision's modelRef it came from (weight, use_reasoning, reasoning_effort, lora_name). */
  readonly ref?: ModelRef
}

/** A hard rule a model must pass (e.g. the PII policy). */
export interface ModelConstraint {
  readonly name: string
  accepts(model: string): boolean
}

export interface ModelSelectionRequest {
  readonly requestId: string
  /** The category the request was classified into; '' when none. */
  readonly category: string
  /** The recipe and decision the candidates belong to (undefined: no decision matched). */
  readonly decision?: { readonly recipe: string; readonly name: string }
  /** Candidates in config order. */
  readonly candidates: readonly ModelCandidate[]
  readonly constraints: readonly ModelConstraint[]
  /** `default_model` ('' when not configured). */
  readonly fallback: string
  /** The caller's trade-off for this request (header or body knob), already bounded. */
  readonly preference?: RequestPreference
  /** Estimated prompt tokens (UTF-8 bytes / 4), for cost estimates. */
  readonly promptTokens?: number
  /** The request's `max_tokens` / `max_completion_tokens`, when set. */
  readonly maxTokens?: number
  /** Sticky keys for traffic splits: the caller's principal and the body's `user`. */
  readonly caller?: string
  readonly user?: string
}

/**
 * What a caller asked for on this request (`x-vsr-preference` header or the body's
 * `vsr_preference`; src/routing/selection/preference.ts). Selectors that weigh cost read it.
 */
export interface RequestPreference {
  /** 0 = the best quality whatever it costs … 1 = the cheapest candidate. */
  readonly costWeight?: number
  /** 0 … 1: how much observed latency counts (the `faster` preset). */
  readonly latencyWeight?: number
  /** Largest estimated cost of this request, in the pricing currency. */
  readonly maxCost?: number
  readonly source: 'header' | 'body'
}

export interface ModelSelection {
  readonly model: string
  readonly upstreamModel: string
  readonly candidate?: ModelCandidate
  /** Why: `best_score`, `fallback`, ... (selector-specific, for logs and headers). */
  readonly reason: string
  /** The traffic split and arm this request was assigned to (split selector). */
  readonly split?: { readonly name: string; readonly arm: string }
}

export interface ModelSelector {
  readonly kind: string
  /** undefined: no candidate and no fallback passes the constraints. */
  select(request: ModelSelectionRequest): ModelSelection | undefined
  close?(): Promise<void>
}

export interface EndpointCandidate {
  readonly target: EndpointTarget
  readonly weight: number
  /** Priority level (0 = primary, the default; lower is preferred): a standby is 1 or more. */
  readonly priority?: number
}

export interface EndpointPickContext {
  /** Base model the request goes to. */
  readonly model: string
  readonly requestId: string
  /** Endpoint names not to pick (tried already, ejected). */
  readonly exclude?: ReadonlySet<string>
  /**
   * The endpoints of the request's other candidate models (a routed request's decision), read
   * only when the pick refuses because everything is cooling down: the client's Retry-After is
   * the soonest end over every model that could take the request.
   */
  readonly otherModels?: () => Iterable<readonly EndpointCandidate[]>
}

// Its own file so the live statistics it feeds can import it without importing this one back.
export type { EndpointObservation }

export interface EndpointPolicy {
  readonly kind: string
  /** One of `candidates` (never empty), or undefined when every candidate is excluded. */
  pick(
    candidates: readonly EndpointCandidate[],
    context: EndpointPickContext,
  ): EndpointTarget | undefined
  /** Optional feedback from the response side. Must be cheap and never throw. */
  observe?(event: EndpointObservation): void
  /** Whether some endpoint of this model may take a request now (health); absent: always. */
  available?(model: string): boolean
  close?(): Promise<void>
}

/** The selector and policy one config built (shared by the routing and PII modules). */
export interface Selection {
  /** The router's default selector (`pipeline.model_selector`, static unless configured). */
  readonly models: ModelSelector
  readonly endpoints: EndpointPolicy
  /**
   * Per-decision selectors: a decision whose `algorithm` names a registered selector gets its own
   * instance (built with the decision's options and scope); others use `models`.
   */
  readonly decisions?: ReadonlyMap<Decision, ModelSelector>
  /** Live measurements and learned scores (absent in minimal test set-ups). */
  readonly live?: SelectionLive
}

/** What learning and latency-aware selectors read: measurements and learned scores. */
export interface SelectionLive {
  readonly stats: ModelLiveStats
  readonly learning: Learning
}

export interface SelectionBuildContext {
  readonly config: RouterConfig
  readonly log: Logger
  /** Set when building a decision's own selector: whose candidates it will choose among. */
  readonly decision?: { readonly recipe: string; readonly name: string }
  /**
   * Live per-endpoint and per-model load and health (RouterState's, so it outlives reloads):
   * load-aware policies read it; selectors may read `model(name)`.
   */
  readonly endpointStats?: EndpointStats
  /** Live measurements and learned scores of this runtime. */
  readonly live?: SelectionLive
}

export interface ModelSelectorPlugin<O = Record<string, never>> extends PluginShape<O> {
  create(ctx: SelectionBuildContext, options: O): ModelSelector
}

export interface EndpointPolicyPlugin<O = Record<string, never>> extends PluginShape<O> {
  create(ctx: SelectionBuildContext, options: O): EndpointPolicy
}
