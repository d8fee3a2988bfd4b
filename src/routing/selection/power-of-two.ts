/**
 * `power_of_two_choices` endpoint policy (the default): draw two endpoints, each in proportion to
 * its weight, and send the request to the cheaper one, where the cost is (requests in flight + 1)
 * × the decaying average of its observed latency (time to first byte for streams). A slow or
 * saturated replica loses most draws and so gets a small share without any configuration; when
 * the two cost about the same (within `tolerance`) the first draw wins, so on an evenly loaded
 * fleet each endpoint gets its weight's share of the traffic.
 */
import { z } from 'zod'
import type { EndpointLoad } from '../../runtime/endpoint-stats.js'
import type { EndpointCandidate, EndpointPolicyPlugin } from './types.js'
import { randomSource, seedOption, usable, weightedSample } from './weighted.js'

const options = z.strictObject({
  /** Costs closer than this share count as equal (the first draw, i.e. the weights, decides). */
  tolerance: z.number().min(0).max(1).default(0.15),
  seed: seedOption,
})

export const powerOfTwoPolicy: EndpointPolicyPlugin<z.infer<typeof options>> = {
  kind: 'power_of_two_choices',
  description:
    'two weighted draws, the one with fewer requests in flight × lower observed latency wins (default)',
  optionsSchema: options,
  create(ctx, o) {
    const stats = ctx.endpointStats
    const random = randomSource(o.seed)
    const load = (c: EndpointCandidate): EndpointLoad | undefined => stats?.endpoint(c.target.name)
    return {
      kind: 'power_of_two_choices',
      pick(candidates, context) {
        const list = usable(candidates, context)
        if (list.length <= 1) return list[0]?.target
        const a = weightedSample(list, random)
        const b = weightedSample(list, random)
        if (a === b) return a.target
        const [ca, cb] = costs(load(a), load(b))
        return cb < ca * (1 - o.tolerance) ? b.target : a.target
      },
    }
  },
}

/** Both costs; latency counts only when both endpoints have been measured. */
function costs(a: EndpointLoad | undefined, b: EndpointLoad | undefined): [number, number] {
  const ia = (a?.inFlight ?? 0) + 1
  const ib = (b?.inFlight ?? 0) + 1
  if (a?.latency === undefined || b?.latency === undefined) return [ia, ib]
  // A floor keeps a near-zero average (a cache-fast answer) from making in-flight irrelevant.
  return [ia * Math.max(a.latency, 0.001), ib * Math.max(b.latency, 0.001)]
}
