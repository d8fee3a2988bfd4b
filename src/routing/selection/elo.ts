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
import { chosen, fallbackSelection, learningPool, tradeoffPick } from './scoring.js'
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
      const found = learningPool(ctx, request, options.request_preference, params)
      if (!found) return fallbackSelection(request)
      const { pool, costs, preference, book } = found
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
