/**
 * The trade-off section of the HTML report (bench/selection/tradeoff.ts): the router's
 * accuracy-versus-cost curve as the request's cost weight is swept, every single model, and
 * random routing, on one chart, with the figures in a table and the targets stated.
 */
import { esc, scatter, type Point } from './svg.js'

export interface TradeoffPoint {
  readonly accuracy: number
  readonly cost_per_1k_requests: number
  readonly requests: number
}

export interface TradeoffReport {
  readonly router: readonly (TradeoffPoint & {
    readonly cost_weight: number
    readonly models: Readonly<Record<string, number>>
  })[]
  readonly singles: readonly (TradeoffPoint & { readonly model: string })[]
  readonly random: TradeoffPoint
  readonly targets: {
    readonly as_accurate_as_best_at_half_cost: number | null
    readonly cheaper_than_cheapest_at_same_accuracy: number | null
  }
  readonly verdicts: readonly string[]
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`
const usd = (v: number) => `$${v.toFixed(4)}`

export function tradeoffSection(t: TradeoffReport): string {
  const curve: Point[] = t.router.map((p) => ({
    name: `router w=${p.cost_weight}`,
    x: p.cost_per_1k_requests,
    y: p.accuracy,
  }))
  const points: Point[] = [
    ...curve,
    ...t.singles.map((s) => ({ name: s.model, x: s.cost_per_1k_requests, y: s.accuracy })),
    { name: 'random routing', x: t.random.cost_per_1k_requests, y: t.random.accuracy },
  ]
  const chart = scatter({
    id: 'chart-tradeoff',
    title:
      'Accuracy versus cost: the router as the cost weight is swept (line), single models, random routing',
    xLabel: 'cost per 1k requests (USD)',
    yLabel: 'accuracy',
    points,
    curve,
    yMax: 1,
  })
  const rows = [
    ...t.router.map(
      (p) =>
        `<tr><td>router, cost_weight ${p.cost_weight}</td><td>${pct(p.accuracy)}</td><td>${usd(p.cost_per_1k_requests)}</td><td>${esc(
          Object.entries(p.models)
            .sort((a, b) => b[1] - a[1])
            .map(([m, share]) => `${m} ${pct(share)}`)
            .join(', '),
        )}</td></tr>`,
    ),
    ...t.singles.map(
      (s) =>
        `<tr><td>${esc(s.model)} only</td><td>${pct(s.accuracy)}</td><td>${usd(s.cost_per_1k_requests)}</td><td></td></tr>`,
    ),
    `<tr><td>random routing</td><td>${pct(t.random.accuracy)}</td><td>${usd(t.random.cost_per_1k_requests)}</td><td>uniform over the models</td></tr>`,
  ]
  return `<h2>Accuracy versus cost: trade-off sweep</h2><div id="tradeoff">${chart}<ul id="tradeoff-verdicts">${t.verdicts.map((v) => `<li>${esc(v)}</li>`).join('')}</ul><table id="tradeoff-table"><thead><tr><th>setting</th><th>accuracy</th><th>cost per 1k requests</th><th>models used</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
}
