/** `random` endpoint policy: each request to an endpoint drawn in proportion to its weight. */
import { z } from 'zod'
import type { EndpointPolicyPlugin } from './types.js'
import { randomSource, seedOption, usable, weightedSample } from './weighted.js'

const options = z.strictObject({ seed: seedOption })

export const randomPolicy: EndpointPolicyPlugin<z.infer<typeof options>> = {
  kind: 'random',
  description: 'a weighted random endpoint per request',
  optionsSchema: options,
  create(_ctx, o) {
    const random = randomSource(o.seed)
    return {
      kind: 'random',
      pick(candidates, context) {
        const list = usable(candidates, context)
        return list.length === 0 ? undefined : weightedSample(list, random).target
      },
    }
  },
}
