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
}

/** A hard rule a model must pass (e.g. the PII policy). */
export interface ModelConstraint {
  readonly name: string
  accepts(model: string): boolean
}

export interface ModelSelectionRequest {
  readonly requestId: string
  /** The category (or, later, decision) the candidates belong to; '' when none. */
  readonly category: string
  /** Candidates in config order. */
  readonly candidates: readonly ModelCandidate[]
  readonly constraints: readonly ModelConstraint[]
  /** `default_model` ('' when not configured). */
  readonly fallback: string
}

export interface ModelSelection {
  readonly model: string
  readonly upstreamModel: string
  readonly candidate?: ModelCandidate
  /** Why: `best_score`, `fallback`, ... (selector-specific, for logs and headers). */
  readonly reason: string
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
}

export interface EndpointPickContext {
  /** Base model the request goes to. */
  readonly model: string
  readonly requestId: string
  /** Endpoint names not to pick (tried already, ejected). */
  readonly exclude?: ReadonlySet<string>
}

/** What the response side reports about one request to one endpoint. */
export type EndpointObservation =
  | {
      readonly kind: 'started'
      readonly endpoint: string
      readonly model: string
      readonly requestId: string
    }
  | {
      readonly kind: 'finished'
      readonly endpoint: string
      readonly model: string
      readonly requestId: string
      readonly status: number
      readonly latencySeconds: number
      readonly ttftSeconds?: number
      readonly error?: string
    }

export interface EndpointPolicy {
  readonly kind: string
  /** One of `candidates` (never empty), or undefined when every candidate is excluded. */
  pick(
    candidates: readonly EndpointCandidate[],
    context: EndpointPickContext,
  ): EndpointTarget | undefined
  /** Optional feedback from the response side. Must be cheap and never throw. */
  observe?(event: EndpointObservation): void
  close?(): Promise<void>
}

/** The selector and policy one config built (shared by the routing and PII modules). */
export interface Selection {
  readonly models: ModelSelector
  readonly endpoints: EndpointPolicy
}

export interface SelectionBuildContext {
  readonly config: RouterConfig
  readonly log: Logger
}

export interface ModelSelectorPlugin<O = Record<string, never>> extends PluginShape<O> {
  create(ctx: SelectionBuildContext, options: O): ModelSelector
}

export interface EndpointPolicyPlugin<O = Record<string, never>> extends PluginShape<O> {
  create(ctx: SelectionBuildContext, options: O): EndpointPolicy
}
