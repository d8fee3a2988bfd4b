/**
 * Pieces every scoring selector shares: candidates that pass the constraints, a request's
 * estimated cost per model, min–max normalisation over the candidates, the per-request trade-off
 * (bounded by the decision's `request_preference`), and the answer shape.
 */
import type { z } from 'zod'
import type { requestPreferenceSchema } from '../../config/schema/v03/algorithms.js'
import type { RouterConfig } from '../../config/schema/index.js'
import type { ModelLiveStats } from './live-stats.js'
import type { LearningParams, ScoreBook } from './score-book.js'
import type {
  ModelCandidate,
  ModelSelection,
  ModelSelectionRequest,
  RequestPreference,
  SelectionBuildContext,
} from './types.js'

/** Completion tokens assumed before the router has measured a model's answers. */
export const DEFAULT_COMPLETION_TOKENS = 256

export function passing(request: ModelSelectionRequest): ModelCandidate[] {
  return request.candidates.filter((c) => request.constraints.every((k) => k.accepts(c.model)))
}

/** The fallback (`default_model`) when it passes the constraints, else undefined. */
export function fallbackSelection(request: ModelSelectionRequest): ModelSelection | undefined {
  const ok = request.constraints.every((c) => c.accepts(request.fallback))
  return request.fallback !== '' && ok
    ? { model: request.fallback, upstreamModel: request.fallback, reason: 'fallback' }
    : undefined
}

export function chosen(candidate: ModelCandidate, reason: string): ModelSelection {
  return { model: candidate.model, upstreamModel: candidate.upstreamModel, candidate, reason }
}

/**
 * Estimated cost of this request on `model` in its pricing currency: prompt tokens (bytes / 4) at
 * the prompt price plus expected completion tokens (the model's measured mean, else the request's
 * max_tokens, else 256) at the completion price. undefined: the model has no pricing.
 */
export function estimatedCost(
  config: RouterConfig,
  model: string,
  request: ModelSelectionRequest,
  stats?: ModelLiveStats,
): number | undefined {
  const pricing = config.model_config[model]?.pricing
  if (!pricing) return undefined
  const measured = stats?.meanCompletionTokens(model)
  const completion = Math.min(
    measured ?? request.maxTokens ?? DEFAULT_COMPLETION_TOKENS,
    request.maxTokens ?? Infinity,
  )
  return (
    ((request.promptTokens ?? 0) * pricing.prompt_per_1m + completion * pricing.completion_per_1m) /
    1e6
  )
}

/**
 * Min–max normalise to [0, 1] over the defined values; all equal → 0.5 each; undefined stays
 * undefined (the caller decides what missing data counts as).
 */
export function normalise(values: readonly (number | undefined)[]): (number | undefined)[] {
  const defined = values.filter((v): v is number => v !== undefined)
  if (defined.length === 0) return values.map(() => undefined)
  const lo = Math.min(...defined)
  const hi = Math.max(...defined)
  return values.map((v) => (v === undefined ? undefined : hi === lo ? 0.5 : (v - lo) / (hi - lo)))
}

export type RequestPreferenceBounds = z.output<typeof requestPreferenceSchema>

/** The request's preference as this decision allows it (undefined: none, or not allowed). */
export function boundedPreference(
  preference: RequestPreference | undefined,
  bounds: RequestPreferenceBounds,
): RequestPreference | undefined {
  if (!preference || !bounds.enabled) return undefined
  const clamp = (x: number) => Math.min(bounds.max_cost_weight, Math.max(bounds.min_cost_weight, x))
  return {
    source: preference.source,
    ...(preference.costWeight === undefined ? {} : { costWeight: clamp(preference.costWeight) }),
    ...(preference.latencyWeight === undefined ? {} : { latencyWeight: preference.latencyWeight }),
    ...(preference.maxCost === undefined
      ? {}
      : { maxCost: Math.max(bounds.min_max_cost, preference.maxCost) }),
  }
}

/**
 * Candidates within the request's max_cost (unpriced models pass). When none is, the cheapest one
 * alone — a budget narrows the choice, it never leaves a request unrouted.
 */
export function withinBudget(
  candidates: readonly ModelCandidate[],
  costs: ReadonlyMap<string, number | undefined>,
  maxCost: number | undefined,
): ModelCandidate[] {
  if (maxCost === undefined) return [...candidates]
  const ok = candidates.filter((c) => (costs.get(c.model) ?? 0) <= maxCost)
  if (ok.length > 0) return ok
  const cheapest = cheapestOf(candidates, costs)
  return cheapest ? [cheapest] : []
}

export function cheapestOf(
  candidates: readonly ModelCandidate[],
  costs: ReadonlyMap<string, number | undefined>,
): ModelCandidate | undefined {
  let best: ModelCandidate | undefined
  for (const c of candidates)
    if (!best || (costs.get(c.model) ?? Infinity) < (costs.get(best.model) ?? Infinity)) best = c
  return best
}

/**
 * The trade-off every learning selector applies when a request asks for one:
 * value = (1 − w)·quality + w·(1 − cost), both min–max normalised over the candidates
 * (an unpriced model counts as the cheapest). Returns the index of the best value (ties: first).
 */
export function tradeoffPick(
  quality: readonly number[],
  costs: readonly (number | undefined)[],
  costWeight: number,
): number {
  const q = normalise(quality)
  const c = normalise(costs.map((x) => x ?? 0))
  let best = 0
  let bestValue = -Infinity
  quality.forEach((_, i) => {
    const value = (1 - costWeight) * (q[i] ?? 0.5) + costWeight * (1 - (c[i] ?? 0.5))
    if (value > bestValue) {
      bestValue = value
      best = i
    }
  })
  return best
}

export function costMap(
  config: RouterConfig,
  candidates: readonly ModelCandidate[],
  request: ModelSelectionRequest,
  stats?: ModelLiveStats,
): Map<string, number | undefined> {
  return new Map(candidates.map((c) => [c.model, estimatedCost(config, c.model, request, stats)]))
}

/** What a learning selector (elo, bandit) works on for one request. */
export interface LearningPool {
  readonly pool: ModelCandidate[]
  readonly costs: Map<string, number | undefined>
  readonly preference: RequestPreference | undefined
  readonly book: ScoreBook | undefined
}

/**
 * The candidates passing the constraints and the request's budget, their estimated costs, the
 * bounded preference and the decision's learned scores (refreshed when stale). undefined: no
 * candidate passes the constraints.
 */
export function learningPool(
  ctx: SelectionBuildContext,
  request: ModelSelectionRequest,
  bounds: RequestPreferenceBounds,
  params: Partial<LearningParams>,
): LearningPool | undefined {
  const allowed = passing(request)
  if (allowed.length === 0) return undefined
  const preference = boundedPreference(request.preference, bounds)
  const costs = costMap(ctx.config, allowed, request, ctx.live?.stats)
  const pool = withinBudget(allowed, costs, preference?.maxCost)
  const book = request.decision ? ctx.live?.learning.book(request.decision, params) : undefined
  book?.maybeRefresh()
  return { pool, costs, preference, book }
}
