/**
 * `elo` (ours; upstream's HEAD rejects it): each decision's candidates carry Elo ratings learned
 * online from feedback (src/routing/selection/score-book.ts — a rating plays the mean of the other
 * candidates; a pairwise preference is a game between the two models). The highest rating wins
 * (ties: the first listed); with probability `exploration` (≤ 0.5) a uniformly drawn other
 * candidate is sent instead, so a model that fell behind keeps getting the feedback it needs to
 * recover. A request's trade-off (cost weight w) ranks by (1 − w)·rating + w·(1 − cost), both
 * normalised over the candidates.
 */
import type { z } from 'zod'
import { eloBlockSchema } from '../../config/schema/v03/algorithms.js'
import { seededRandom } from '../../seeded-random.js'
import {
  boundedPreference,
  chosen,
  costMap,
  fallbackSelection,
  passing,
  tradeoffPick,
  withinBudget,
} from './scoring.js'
import type { ModelSelector, ModelSelectorPlugin, SelectionBuildContext } from './types.js'

export type EloOptions = z.output<typeof eloBlockSchema>

export function createElo(ctx: SelectionBuildContext, options: EloOptions): ModelSelector {
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed)
  const params = {
    initialRating: options.initial_rating,
    kFactor: options.k_factor,
    decay: options.decay,
  }
  if (ctx.decision) ctx.live?.learning.book(ctx.decision, params)
  return {
    kind: 'elo',
    select(request) {
      const allowed = passing(request)
      if (allowed.length === 0) return fallbackSelection(request)
      const preference = boundedPreference(request.preference, options.request_preference)
      const costs = costMap(ctx.config, allowed, request, ctx.live?.stats)
      const pool = withinBudget(allowed, costs, preference?.maxCost)
      const book = request.decision ? ctx.live?.learning.book(request.decision, params) : undefined
      book?.maybeRefresh()
      const ratings = pool.map((c) => book?.scores(c.model).rating ?? options.initial_rating)
      let best = 0
      if (preference?.costWeight !== undefined)
        best = tradeoffPick(
          ratings,
          pool.map((c) => costs.get(c.model)),
          preference.costWeight,
        )
      else ratings.forEach((r, i) => (r > ratings[best]! ? (best = i) : undefined))
      if (pool.length > 1 && random() < options.exploration) {
        const others = pool.filter((_, i) => i !== best)
        return chosen(others[Math.floor(random() * others.length)]!, 'explore')
      }
      return chosen(pool[best]!, 'highest_rating')
    },
  }
}

export const eloSelector: ModelSelectorPlugin<EloOptions> = {
  kind: 'elo',
  description:
    'highest Elo rating learned from feedback (ratings and pairwise preferences), bounded exploration',
  optionsSchema: eloBlockSchema,
  create: createElo,
}
