/**
 * `multi_factor` (upstream's algorithm, with our measured inputs): hard SLO filters first, then a
 * weighted score.
 *
 *   1. Candidates passing the constraints; then the SLO: a model is dropped when its measured
 *      TTFT or time per output token (at `latency_percentile`, once it has `min_samples` finished
 *      requests) exceeds `max_ttft_ms` / `max_tpot_ms`, when its requests in flight reach
 *      `max_inflight`, when its completion price exceeds `max_cost_per_1m`, or when this request's
 *      estimated cost exceeds `max_cost_per_request` or the caller's `max_cost`. 0 = no limit; a
 *      model not yet measured is not dropped for latency.
 *   2. Nothing passes: `on_no_candidates` — `cheapest` (default) or `first` of the candidates
 *      passing the constraints, or `fail` (no model).
 *   3. score = wq·Q + wl·(1 − L) + wc·(1 − C) + wL·(1 − Load), weights normalised to sum 1, each
 *      term min–max normalised over the survivors (all equal: 0.5; no data: the term counts 0).
 *      Q = the candidate's score (modelRef / model_scores), or its learned success rate once it
 *      has `learned_quality_after` pieces of feedback; L = measured latency at the percentile;
 *      C = estimated cost of this request; Load = requests in flight.
 *      A request's trade-off (cost weight w) sets wc = w and scales the others to 1 − w.
 */
import type { z } from 'zod'
import { multiFactorBlockSchema } from '../../config/schema/v03/algorithms.js'
import {
  boundedPreference,
  cheapestOf,
  chosen,
  costMap,
  fallbackSelection,
  normalise,
  passing,
} from './scoring.js'
import type {
  ModelSelector,
  ModelSelectorPlugin,
  RequestPreference,
  SelectionBuildContext,
} from './types.js'

export type MultiFactorOptions = z.output<typeof multiFactorBlockSchema>

export function createMultiFactor(
  ctx: SelectionBuildContext,
  options: MultiFactorOptions,
): ModelSelector {
  const { config } = ctx
  const stats = ctx.live?.stats
  const learning = ctx.live?.learning
  const { slo, weights } = options
  const pct = options.latency_percentile
  const measured = (model: string, metric: 'ttft' | 'tpot' | 'latency') =>
    stats && stats.samples(model) >= options.min_samples
      ? stats.percentile(model, metric, pct)
      : undefined
  return {
    kind: 'multi_factor',
    select(request) {
      const allowed = passing(request)
      if (allowed.length === 0) return fallbackSelection(request)
      const preference = boundedPreference(request.preference, options.request_preference)
      const costs = costMap(config, allowed, request, stats)
      const maxCost =
        preference?.maxCost ?? (slo.max_cost_per_request > 0 ? slo.max_cost_per_request : undefined)
      const survivors = allowed.filter((c) => {
        const ttft = slo.max_ttft_ms > 0 ? measured(c.model, 'ttft') : undefined
        if (ttft !== undefined && ttft > slo.max_ttft_ms) return false
        const tpot = slo.max_tpot_ms > 0 ? measured(c.model, 'tpot') : undefined
        if (tpot !== undefined && tpot > slo.max_tpot_ms) return false
        if (slo.max_inflight > 0 && (stats?.inflight(c.model) ?? 0) >= slo.max_inflight)
          return false
        const price = config.model_config[c.model]?.pricing?.completion_per_1m
        if (slo.max_cost_per_1m > 0 && price !== undefined && price > slo.max_cost_per_1m)
          return false
        const cost = costs.get(c.model)
        if (maxCost !== undefined && cost !== undefined && cost > maxCost) return false
        return true
      })
      if (survivors.length === 0) {
        if (options.on_no_candidates === 'fail') return undefined
        const pick =
          options.on_no_candidates === 'first' ? allowed[0]! : cheapestOf(allowed, costs)!
        return chosen(pick, `slo_fallback_${options.on_no_candidates}`)
      }
      const book = request.decision ? learning?.book(request.decision) : undefined
      book?.maybeRefresh()
      const quality = survivors.map((c) => {
        const learned = book?.scores(c.model)
        return learned &&
          options.learned_quality_after > 0 &&
          learned.feedback >= options.learned_quality_after
          ? learned.mean
          : c.score
      })
      const w = effectiveWeights(
        { q: weights.quality, l: weights.latency, c: weights.cost, load: weights.load },
        preference,
      )
      const q = normalise(quality)
      const l = normalise(survivors.map((c) => measured(c.model, 'latency')))
      const cost = normalise(survivors.map((c) => costs.get(c.model)))
      const load = normalise(survivors.map((c) => stats?.inflight(c.model) ?? 0))
      let best = 0
      let bestScore = -Infinity
      survivors.forEach((_, i) => {
        const term = (v: number | undefined, invert: boolean) =>
          v === undefined ? 0 : invert ? 1 - v : v
        const score =
          w.q * term(q[i], false) +
          w.l * term(l[i], true) +
          w.c * term(cost[i], true) +
          w.load * term(load[i], true)
        if (score > bestScore) {
          bestScore = score
          best = i
        }
      })
      return chosen(survivors[best]!, 'multi_factor')
    },
  }
}

type Weights = { q: number; l: number; c: number; load: number }

/**
 * Configured weights normalised to sum 1; a request's cost weight (and latency weight) replace
 * those terms and the other terms share what is left in their configured proportions.
 */
export function effectiveWeights(
  configured: Weights,
  preference: RequestPreference | undefined,
): Weights {
  const keys = ['q', 'l', 'c', 'load'] as const
  const total = keys.reduce((s, k) => s + configured[k], 0)
  const w: Weights =
    total > 0
      ? {
          q: configured.q / total,
          l: configured.l / total,
          c: configured.c / total,
          load: configured.load / total,
        }
      : { q: 0.25, l: 0.25, c: 0.25, load: 0.25 }
  const fixed: Partial<Weights> = {}
  if (preference?.costWeight !== undefined) fixed.c = preference.costWeight
  if (preference?.latencyWeight !== undefined) fixed.l = preference.latencyWeight
  let fixedSum = (fixed.c ?? 0) + (fixed.l ?? 0)
  if (fixedSum === 0 && Object.keys(fixed).length === 0) return w
  if (fixedSum > 1) {
    for (const k of Object.keys(fixed) as (keyof Weights)[]) fixed[k] = fixed[k]! / fixedSum
    fixedSum = 1
  }
  const free = keys.filter((k) => fixed[k] === undefined)
  const freeSum = free.reduce((s, k) => s + w[k], 0)
  const out = { ...w, ...fixed }
  for (const k of free)
    out[k] = freeSum > 0 ? (w[k] * (1 - fixedSum)) / freeSum : (1 - fixedSum) / free.length
  return out
}

export const multiFactorSelector: ModelSelectorPlugin<MultiFactorOptions> = {
  kind: 'multi_factor',
  description:
    'SLO filters (measured TTFT/TPOT, in flight, price, cost per request), then a weighted score of quality, latency, cost and load',
  optionsSchema: multiFactorBlockSchema,
  create: createMultiFactor,
}
