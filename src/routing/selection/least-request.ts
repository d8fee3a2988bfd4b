/**
 * `least_request` endpoint policy: the endpoint with the fewest requests in flight per unit of
 * weight (ties: a weighted draw among the tied), across all of the model's endpoints.
 */
import { z } from 'zod'
import type { EndpointCandidate, EndpointPolicyPlugin } from './types.js'
import { lowest, randomSource, seedOption, usable } from './weighted.js'

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
        const inFlight = (c: EndpointCandidate) => stats?.endpoint(c.target.name).inFlight ?? 0
        return lowest(list, (c) => inFlight(c) / c.weight, random).target
      },
    }
  },
}
