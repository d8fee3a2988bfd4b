/**
 * Category classifiers: an interface plus a registry entry (see registry.ts). The pipeline runs the
 * configured chain in order; the first classifier that returns a result decides. A classifier that
 * has nothing to say (no rule matched) returns null — abstaining is a value, not an error.
 */
import type { PluginShape } from '../config/plugin.js'
import type { OnErrorPolicy } from '../config/schema/common.js'
import type { RouterConfig } from '../config/schema/index.js'
import type { RuntimeServices } from '../runtime/services.js'

export interface ClassifyInput {
  /** The text to classify (last user message, or system/assistant text when there is none). */
  readonly text: string
  /** Earlier user turns, oldest first; empty unless pipeline.classify_history is on. */
  readonly history: readonly string[]
  readonly signal?: AbortSignal
}

export interface CategoryProbability {
  readonly category: string
  readonly probability: number
}

export interface CategoryClassification {
  /** Label as the classifier knows it (an MMLU-Pro label for model classifiers). */
  readonly category: string
  readonly confidence: number
  /** Full probability distribution, when the classifier has one (needed for entropy reasoning). */
  readonly distribution?: readonly CategoryProbability[]
  /** `kind` of the classifier that produced this result. */
  readonly source: string
  /** Rule or model that fired, for logs (e.g. `keyword_rules[2]`). */
  readonly detail?: string
}

export interface CategoryClassifier {
  readonly kind: string
  /** Labels this classifier can produce (used by /info/classifier and label checks). */
  readonly labels: readonly string[]
  classify(input: ClassifyInput): Promise<CategoryClassification | null>
  /**
   * The same answer without a promise, for classifiers that never wait (keyword rules). The chain
   * uses it so that a model later in the chain starts within the caller's turn, not a microtask
   * later (see PipelineModule.prepare).
   */
  classifySync?(input: ClassifyInput): CategoryClassification | null
  close?(): Promise<void>
}

export interface ClassifierBuildContext<O> {
  readonly config: RouterConfig
  readonly options: O
  readonly onError: OnErrorPolicy
  readonly services: RuntimeServices
}

/** The shared plug-in shape; `optionsSchema` validates `pipeline.classifiers[].options`. */
export interface ClassifierPlugin<O = Record<string, unknown>> extends PluginShape<O> {
  /** Build from config. Returns null when the config gives it nothing to do (e.g. no rules). */
  create(
    ctx: ClassifierBuildContext<O>,
  ): CategoryClassifier | null | Promise<CategoryClassifier | null>
}
