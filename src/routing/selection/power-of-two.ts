/**
 * `power_of_two_choices` endpoint policy (the default): draw an endpoint in proportion to its
 * weight, then a second, different one the same way, and send the request to the cheaper, where the
 * cost is (requests in flight + 1) × the decaying average of its observed latency (time to first
 * byte for streams). When the two cost about the same (within `tolerance`) the first draw wins, so
 * on an evenly loaded fleet each endpoint gets its weight's share of the traffic; a slow or
 * saturated replica loses every comparison and gets almost nothing, without any configuration.
 * A replica that got no answers for a while has its average fade towards the model's, so it is
 * tried again and its figure refreshed (EndpointLoad.latencyAt).
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
        const b = weightedSample(
          list.filter((c) => c !== a),
          random,
        )
        const typical = stats?.model(context.model).latency
        const [ca, cb] = costs(load(a), load(b), performance.now(), typical)
        return cb < ca * (1 - o.tolerance) ? b.target : a.target
      },
    }
  },
}

/** Both costs; latency counts only when both endpoints have been measured. */
function costs(
  a: EndpointLoad | undefined,
  b: EndpointLoad | undefined,
  now: number,
  typical: number | undefined,
): [number, number] {
  const ia = (a?.inFlight ?? 0) + 1
  const ib = (b?.inFlight ?? 0) + 1
  const la = a?.latencyAt(now, typical)
  const lb = b?.latencyAt(now, typical)
  if (la === undefined || lb === undefined) return [ia, ib]
  // A floor keeps a near-zero average (a cache-fast answer) from making in-flight irrelevant.
  return [ia * Math.max(la, 0.001), ib * Math.max(lb, 0.001)]
}
