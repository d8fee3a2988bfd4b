/**
 * `latency_aware` (upstream's algorithm, on the router's own measurements): for each configured
 * measure — TTFT at `ttft_percentile`, time per output token at `tpot_percentile` —
 * x(m) / min_j x(j) over the candidates, averaged; the lowest wins (ties: the first listed).
 * No candidate measured yet: the first one (upstream). A candidate not yet measured while others
 * are is picked first (reason `measure_untried`), so every candidate gets a measurement instead of
 * being starved by whoever was measured first.
 */
import type { z } from 'zod'
import { latencyAwareBlockSchema } from '../../config/schema/v03/algorithms.js'
import { chosen, fallbackSelection, passing } from './scoring.js'
import type { ModelSelector, ModelSelectorPlugin, SelectionBuildContext } from './types.js'

export type LatencyAwareOptions = z.output<typeof latencyAwareBlockSchema>

export function createLatencyAware(
  ctx: SelectionBuildContext,
  options: LatencyAwareOptions,
): ModelSelector {
  const stats = ctx.live?.stats
  const measures: ['ttft' | 'tpot', number][] = []
  if (options.ttft_percentile !== undefined) measures.push(['ttft', options.ttft_percentile])
  if (options.tpot_percentile !== undefined) measures.push(['tpot', options.tpot_percentile])
  return {
    kind: 'latency_aware',
    select(request) {
      const allowed = passing(request)
      if (allowed.length === 0) return fallbackSelection(request)
      const ratios = allowed.map(() => [] as number[])
      let measuresWithData = 0
      for (const [metric, p] of measures) {
        const xs = allowed.map((c) => stats?.percentile(c.model, metric, p))
        const defined = xs.filter((x): x is number => x !== undefined)
        if (defined.length === 0) continue
        measuresWithData++
        const min = Math.min(...defined)
        xs.forEach((x, i) => {
          if (x !== undefined) ratios[i]!.push(min > 0 ? x / min : x + 1)
        })
      }
      const anyData = measuresWithData > 0
      if (!anyData) return chosen(allowed[0]!, 'no_latency_data')
      const untried = allowed.findIndex((_, i) => ratios[i]!.length < measuresWithData)
      if (untried !== -1) return chosen(allowed[untried]!, 'measure_untried')
      let best = 0
      let bestScore = Infinity
      ratios.forEach((r, i) => {
        const score = r.length === 0 ? 1 : r.reduce((a, b) => a + b, 0) / r.length
        if (score < bestScore) {
          bestScore = score
          best = i
        }
      })
      return chosen(allowed[best]!, 'lowest_latency')
    },
  }
}

export const latencyAwareSelector: ModelSelectorPlugin<LatencyAwareOptions> = {
  kind: 'latency_aware',
  description:
    'the candidate with the lowest measured TTFT / time per output token, relative to the fastest',
  optionsSchema: latencyAwareBlockSchema,
  create: createLatencyAware,
}
