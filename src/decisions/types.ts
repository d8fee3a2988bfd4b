/**
 * The decision model: what both config schemas compile into (src/decisions/compile-*.ts) and what
 * the pipeline evaluates per request (src/decisions/engine.ts). A request that asks for routing
 * (an auto model name or an entrypoint) is matched against its recipe's decisions; the winning
 * decision's candidate models go to the ModelSelector, and its plugins shape the request.
 *
 * Classic configs compile to one recipe whose decisions are the categories (`{domain: <category>}`),
 * so there is one routing path for both schemas.
 */
import type { AlgorithmConfig } from '../config/schema/v03/algorithms.js'
import type { SignalsConfig } from '../config/schema/v03/signals.js'

/** A boolean tree over signal results. Leaves are keyed `<type>:<rule name>`. */
export type RuleNode =
  | { readonly kind: 'leaf'; readonly type: string; readonly name: string; readonly key: string }
  | { readonly kind: 'and' | 'or'; readonly children: readonly RuleNode[] }
  | { readonly kind: 'not'; readonly child: RuleNode }
  /** A leaf that also needs a condition (a complexity rule's composer); confidence is the leaf's. */
  | { readonly kind: 'gate'; readonly child: RuleNode; readonly condition: RuleNode }

export interface ModelRef {
  /** Base model (endpoint and policy lookups). */
  readonly model: string
  /** Name sent upstream: the LoRA adapter when configured, else the model. */
  readonly upstreamModel: string
  readonly useReasoning: boolean
  readonly reasoningEffort?: string
  readonly loraName?: string
  readonly weight?: number
  /**
   * The static selector's score: the domain's `model_scores` entry when the decision is named
   * after a domain (upstream's rule), the classic category score, else 1.
   */
  readonly score: number
}

export interface SystemPromptPlugin {
  readonly prompt: string
  readonly mode: 'insert' | 'replace'
}

export interface CachePlugin {
  readonly enabled: boolean
  readonly similarityThreshold?: number
  readonly ttlSeconds?: number
}

export interface HeaderMutationPlugin {
  readonly add: readonly { readonly name: string; readonly value: string }[]
  readonly update: readonly { readonly name: string; readonly value: string }[]
  readonly delete: readonly string[]
}

export interface RequestParamsPlugin {
  readonly blockedParams: readonly string[]
  readonly maxTokensLimit?: number
  readonly maxN?: number
  readonly stripUnknown: boolean
}

export interface FastResponsePlugin {
  readonly message: string
}

/** Per-decision request shaping (upstream's decision plugins we run). */
export interface DecisionPlugins {
  readonly systemPrompt?: SystemPromptPlugin
  readonly cache?: CachePlugin
  readonly headerMutation?: HeaderMutationPlugin
  readonly requestParams?: RequestParamsPlugin
  readonly fastResponse?: FastResponsePlugin
}

export interface Decision {
  readonly name: string
  readonly description: string
  readonly priority: number
  readonly tier: number
  /** undefined: matches every request with confidence 0 (upstream's catch-all). */
  readonly rules: RuleNode | undefined
  readonly modelRefs: readonly ModelRef[]
  /** undefined: the router's default selector (`pipeline.model_selector`, static by default). */
  readonly algorithm: AlgorithmConfig | undefined
  readonly plugins: DecisionPlugins
  /** First `domain` leaf (x-vsr-selected-category); '' when the rules name no domain. */
  readonly category: string
  readonly annotations: Readonly<Record<string, unknown>>
  /** Position in the config (stable order for reports). */
  readonly index: number
}

export type Strategy = 'priority' | 'confidence'

/** One routing profile: its signals, decisions and the signal types those decisions read. */
export interface Recipe {
  readonly name: string
  readonly strategy: Strategy
  readonly signals: SignalsConfig
  readonly decisions: readonly Decision[]
  /** Leaf types some decision (or composer) refers to: only these signals are ever evaluated. */
  readonly signalTypes: ReadonlySet<string>
  /** Some decision sets a tier (tiers then override the strategy, as upstream). */
  readonly tiered: boolean
}

export interface DecisionModel {
  readonly source: 'classic' | 'v0.3'
  /** `default` (top-level routing) and every named recipe. */
  readonly recipes: ReadonlyMap<string, Recipe>
  /** Virtual model name → recipe name. */
  readonly entrypoints: ReadonlyMap<string, string>
  /** Model names that ask for routing with the default recipe. */
  readonly autoNames: ReadonlySet<string>
  readonly defaultModel: string
  /** What applies when no decision matched (classic: the global cache; v0.3: nothing). */
  readonly noMatch: DecisionPlugins
  /**
   * Classic configs decide reasoning from the entropy of the category distribution when the model
   * classifier produced one (upstream's classic algorithm); v0.3 decisions use their modelRefs.
   */
  readonly entropyReasoning: boolean
}
