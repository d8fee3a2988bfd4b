/**
 * `weighted_round_robin` endpoint policy: smooth weighted round robin (each endpoint's share of a
 * model's requests is its weight's share, interleaved rather than in bursts), per model.
 */
import { z } from 'zod'
import type { EndpointPolicyPlugin } from './types.js'
import { usable } from './weighted.js'

export const weightedRoundRobinPolicy: EndpointPolicyPlugin = {
  kind: 'weighted_round_robin',
  description: 'each endpoint in turn, as often as its weight says (smooth, per model)',
  optionsSchema: z.strictObject({}),
  create() {
    /** Per model: each endpoint's running credit. */
    const credit = new Map<string, Map<string, number>>()
    return {
      kind: 'weighted_round_robin',
      pick(candidates, context) {
        const list = usable(candidates, context)
        if (list.length <= 1) return list[0]?.target
        let own = credit.get(context.model)
        if (own === undefined) credit.set(context.model, (own = new Map<string, number>()))
        let total = 0
        let best = list[0]!
        let bestCredit = -Infinity
        for (const c of list) {
          total += c.weight
          const next = (own.get(c.target.name) ?? 0) + c.weight
          own.set(c.target.name, next)
          if (next > bestCredit) {
            best = c
            bestCredit = next
          }
        }
        own.set(best.target.name, bestCredit - total)
        return best.target
      },
    }
  },
}
