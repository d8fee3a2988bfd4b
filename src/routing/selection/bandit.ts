/**
 * `bandit` (ours): Thompson sampling over each candidate's Beta(α, β) success posterior, learned
 * online from feedback (a rating r adds r to α and 1 − r to β, after decay toward the prior).
 * Each request draws θ_m ~ Beta(α_m, β_m) and takes the largest draw. Exploration is bounded: when
 * the draw picks a model other than the current best posterior mean, it is sent only while such
 * exploring picks are under `max_exploration` of this selector's requests; otherwise the best
 * mean is sent. A request's trade-off (cost weight w) ranks by (1 − w)·θ + w·(1 − cost).
 */
import type { z } from 'zod'
import { banditBlockSchema } from '../../config/schema/v03/algorithms.js'
import { seededRandom } from '../../seeded-random.js'
import { chosen, fallbackSelection, learningPool, tradeoffPick } from './scoring.js'
import type { ModelSelector, ModelSelectorPlugin, SelectionBuildContext } from './types.js'

export type BanditOptions = z.output<typeof banditBlockSchema>

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random()
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * (1 - random()) ** (1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = 1 - random()
    if (u < 1 - 0.0331 * x ** 4) return d * v
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v
  }
}

export function betaSample(alpha: number, beta: number, random: () => number): number {
  const x = gamma(alpha, random)
  const y = gamma(beta, random)
  return x + y === 0 ? 0.5 : x / (x + y)
}

export function createBandit(ctx: SelectionBuildContext, options: BanditOptions): ModelSelector {
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed)
  const params = {
    priorAlpha: options.prior_alpha,
    priorBeta: options.prior_beta,
    decay: options.decay,
  }
  if (ctx.decision) ctx.live?.learning.book(ctx.decision, params)
  let requests = 0
  let explored = 0
  return {
    kind: 'bandit',
    select(request) {
      const found = learningPool(ctx, request, options.request_preference, params)
      if (!found) return fallbackSelection(request)
      const { pool, costs, preference, book } = found
      const posterior = pool.map(
        (c) => book?.scores(c.model) ?? { alpha: options.prior_alpha, beta: options.prior_beta },
      )
      const means = posterior.map((s) => s.alpha / (s.alpha + s.beta))
      const draws = posterior.map((s) => betaSample(s.alpha, s.beta, random))
      const poolCosts = pool.map((c) => costs.get(c.model))
      const w = preference?.costWeight
      const argmax = (xs: readonly number[]) =>
        w === undefined
          ? xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0)
          : tradeoffPick(xs, poolCosts, w)
      const greedy = argmax(means)
      const sampled = argmax(draws)
      requests++
      if (sampled !== greedy && explored < options.max_exploration * requests) {
        explored++
        return chosen(pool[sampled]!, 'thompson_explore')
      }
      return chosen(pool[greedy === sampled ? sampled : greedy]!, 'thompson')
    },
  }
}

export const banditSelector: ModelSelectorPlugin<BanditOptions> = {
  kind: 'bandit',
  description:
    'Thompson sampling over success rates learned from feedback, with bounded exploration',
  optionsSchema: banditBlockSchema,
  create: createBandit,
}
