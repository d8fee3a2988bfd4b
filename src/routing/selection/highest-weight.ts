/**
 * `highest_weight` endpoint policy (upstream's classic rule, and the default): the endpoint with the
 * highest weight among the candidates (ties: the first listed). No load balancing.
 */
import { z } from 'zod'
import type { EndpointCandidate, EndpointPolicyPlugin } from './types.js'

export const highestWeightPolicy: EndpointPolicyPlugin = {
  kind: 'highest_weight',
  description: 'the highest-weight endpoint of the model (upstream behaviour; no balancing)',
  optionsSchema: z.strictObject({}),
  create: () => ({
    kind: 'highest_weight',
    pick(candidates, context) {
      let best: EndpointCandidate | undefined
      for (const c of candidates)
        if (!context.exclude?.has(c.target.name) && (!best || c.weight > best.weight)) best = c
      return best?.target
    },
  }),
}
