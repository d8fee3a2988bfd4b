/**
 * `least_request` endpoint policy: the endpoint with the fewest requests in flight per unit of
 * weight (ties: a weighted draw among the tied), across all of the model's endpoints.
 */
import { z } from 'zod'
import type { EndpointCandidate, EndpointPolicyPlugin } from './types.js'
import { randomSource, seedOption, usable, weightedSample } from './weighted.js'

const options = z.strictObject({ seed: seedOption })

export const leastRequestPolicy: EndpointPolicyPlugin<z.infer<typeof options>> = {
  kind: 'least_request',
  description: 'the endpoint with the fewest requests in flight per unit of weight',
  optionsSchema: options,
  create(ctx, o) {
    const stats = ctx.endpointStats
    const random = randomSource(o.seed)
    return {
      kind: 'least_request',
      pick(candidates, context) {
        const list = usable(candidates, context)
        if (list.length <= 1) return list[0]?.target
        let best: EndpointCandidate[] = []
        let lowest = Infinity
        for (const c of list) {
          const load = (stats?.endpoint(c.target.name).inFlight ?? 0) / c.weight
          if (load < lowest) {
            lowest = load
            best = [c]
          } else if (load === lowest) best.push(c)
        }
        return weightedSample(best, random).target
      },
    }
  },
}
