/** Shapes shared by the benchmark runner, its outputs and its report. */

/**
 * Execution modes. `router`: the router decides model and reasoning (neutral prompt). Direct runs:
 * `NR` neutral prompt, reasoning off; `NR_REASONING` neutral prompt, reasoning on (per the model's
 * family template); `XC` chain-of-thought prompt, reasoning off.
 */
export type ModeId = 'router' | 'NR' | 'NR_REASONING' | 'XC'

export const DIRECT_MODES: readonly ModeId[] = ['NR', 'NR_REASONING', 'XC']

export const MODE_LABELS: Record<ModeId, string> = {
  router: 'Router (auto)',
  NR: 'Direct, reasoning off',
  NR_REASONING: 'Direct, reasoning on',
  XC: 'Direct, chain-of-thought prompt',
}

/** One endpoint + model to benchmark (a router, or one model served directly). */
export interface Target {
  /** `router::auto`, `vllm::qwen3-8b` (upstream's naming); its folder is `targetDir(id)`. */
  readonly id: string
  readonly kind: 'router' | 'direct'
  /** Base URL ending in /v1. */
  readonly endpoint: string
  readonly apiKey?: string | undefined
  readonly model: string
  readonly modes: readonly ModeId[]
}

/** One row of detailed_results.csv: upstream's columns first, ours after. */
export interface ResultRow {
  mode: string
  mode_label: string
  question_id: string
  category: string
  question: string
  options: string
  correct_answer: string
  model_response: string
  predicted_answer: string
  is_correct: boolean
  response_time: number
  success: boolean
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  dataset: string
  // ours
  target: string
  model: string
  selected_model: string
  selected_category: string
  reasoning: string
  reasoning_tokens: number
  ttft: number | null
  error: string
}

export const CSV_COLUMNS: readonly (keyof ResultRow)[] = [
  'mode',
  'mode_label',
  'question_id',
  'category',
  'question',
  'options',
  'correct_answer',
  'model_response',
  'predicted_answer',
  'is_correct',
  'response_time',
  'success',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'dataset',
  'target',
  'model',
  'selected_model',
  'selected_category',
  'reasoning',
  'reasoning_tokens',
  'ttft',
  'error',
]

/** Per-1M-token prices by model name (from model_config.pricing). */
export interface Pricing {
  readonly currency: string
  readonly prompt_per_1m: number
  readonly completion_per_1m: number
}
export type PricingTable = Readonly<Record<string, Pricing>>
