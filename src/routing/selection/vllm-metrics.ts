/**
 * `vllm_metrics` endpoint policy: like the Gateway API Inference Extension's endpoint picker, it
 * scrapes every endpoint's Prometheus `/metrics` (vLLM's `vllm:num_requests_waiting`,
 * `vllm:num_requests_running`, `vllm:kv_cache_usage_perc` — `vllm:gpu_cache_usage_perc` on older
 * vLLM) every `interval_ms`, and sends each request to the least loaded endpoint (ties: a weighted
 * draw): score = (queue_weight × waiting + kv_cache_weight × KV-cache use + the router's own
 * requests in flight, which the last scrape cannot show yet) / weight. An endpoint whose figures
 * are missing or older than three intervals (plus the scrape timeout) is scored by the router's
 * in-flight count alone.
 */
import { z } from 'zod'
import { toEndpointTarget } from '../endpoints.js'
import type { EndpointLoad, VllmLoad } from '../../runtime/endpoint-stats.js'
import { EndpointProber } from './prober.js'
import type { EndpointCandidate, EndpointPolicyPlugin } from './types.js'
import { lowest, randomSource, seedOption, usable } from './weighted.js'

const options = z.strictObject({
  interval_ms: z.number().int().min(100).default(1_000),
  timeout_ms: z.number().int().positive().default(500),
  path: z.string().startsWith('/').default('/metrics'),
  queue_weight: z.number().min(0).default(1),
  kv_cache_weight: z.number().min(0).default(4),
  seed: seedOption,
})

/** vLLM's load figures from a Prometheus text exposition (summed over its models); undefined if none. */
export function parseVllmMetrics(text: string, at: number): VllmLoad | undefined {
  let waiting: number | undefined
  let running: number | undefined
  let kv: number | undefined
  for (const line of text.split('\n')) {
    if (!line.startsWith('vllm:')) continue
    const name = /^vllm:([a-z_]+)/.exec(line)?.[1]
    const value = Number(line.slice(line.lastIndexOf(' ') + 1))
    if (!Number.isFinite(value)) continue
    if (name === 'num_requests_waiting') waiting = (waiting ?? 0) + value
    else if (name === 'num_requests_running') running = (running ?? 0) + value
    else if (name === 'kv_cache_usage_perc' || name === 'gpu_cache_usage_perc')
      kv = Math.max(kv ?? 0, value)
  }
  if (waiting === undefined && running === undefined && kv === undefined) return undefined
  return { waiting: waiting ?? 0, running: running ?? 0, kvCacheUsage: kv ?? 0, at }
}

export const vllmMetricsPolicy: EndpointPolicyPlugin<z.infer<typeof options>> = {
  kind: 'vllm_metrics',
  description: "the least loaded endpoint by vLLM's own queue and KV-cache figures (scraped)",
  optionsSchema: options,
  create(ctx, o) {
    const stats = ctx.endpointStats
    const random = randomSource(o.seed)
    const prober = stats
      ? new EndpointProber(ctx.config.vllm_endpoints.map(toEndpointTarget), {
          path: o.path,
          intervalMs: o.interval_ms,
          timeoutMs: o.timeout_ms,
          readBody: true,
          onResult(endpoint, result) {
            if (!result.ok || result.status !== 200) return
            const load = parseVllmMetrics(result.body, performance.now())
            if (load) stats.endpoint(endpoint.name).vllm = load
          },
        })
      : undefined
    // Figures older than this are not trusted (three scrapes missed, or one running late).
    const stale = 3 * o.interval_ms + o.timeout_ms
    const score = (c: EndpointCandidate, now: number): number => {
      const load: EndpointLoad | undefined = stats?.endpoint(c.target.name)
      const inFlight = load?.inFlight ?? 0
      const vllm = load?.vllm
      if (!vllm || now - vllm.at > stale) return inFlight / c.weight
      return (
        (o.queue_weight * vllm.waiting + o.kv_cache_weight * vllm.kvCacheUsage + inFlight) /
        c.weight
      )
    }
    return {
      kind: 'vllm_metrics',
      pick(candidates, context) {
        const list = usable(candidates, context)
        if (list.length <= 1) return list[0]?.target
        const now = performance.now()
        return lowest(list, (c) => score(c, now), random).target
      },
      close() {
        prober?.close()
        return Promise.resolve()
      },
    }
  },
}
