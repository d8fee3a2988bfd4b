/**
 * The models and endpoints tables: one row per configured model / endpoint (plus any seen in
 * traffic), columns from a list of sources. A source contributes columns and the values of its
 * columns for a row, so a new figure (an endpoint's ejection state, a selector's live score) is one
 * more source — the front end draws whatever columns it is sent.
 *
 * Built-in sources: the config (family, prices, address, weight), recent traffic seen while a
 * console listens (in flight, rate, p50/p95 latency, error rate, health), and the lifetime
 * Prometheus counters (completions, tokens, cost so far, errors).
 */
import type { RouterConfig } from '../config/schema/index.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { ModelsFrame, StatusColumn, StatusRow, StatusTable } from './frames.js'
import type { TrafficFigures, TrafficStats } from './traffic-stats.js'

export type RowValues = Record<string, string | number | null>

/** A provider of columns for the models and/or endpoints table. */
export interface StatusSource {
  readonly modelColumns?: readonly StatusColumn[]
  readonly endpointColumns?: readonly StatusColumn[]
  /** Called once per table build, before the rows (e.g. to read metrics). */
  prepare?(): Promise<void>
  model?(name: string): RowValues
  endpoint?(name: string): RowValues
}

export interface TableContext {
  readonly config: RouterConfig | undefined
  readonly traffic: TrafficStats
  readonly now: number
  readonly windowMs: number
}

export async function buildStatusTables(
  ctx: TableContext,
  sources: readonly StatusSource[],
): Promise<ModelsFrame> {
  await Promise.all(sources.map((s) => (s.prepare ? s.prepare() : Promise.resolve())))
  const config = ctx.config
  const modelNames = unique([
    ...Object.keys(config?.model_config ?? {}),
    ...(config?.default_model ? [config.default_model] : []),
    ...ctx.traffic.modelNames(),
  ])
  const endpointNames = unique([
    ...(config?.vllm_endpoints ?? []).map((e) => e.name),
    ...ctx.traffic.endpointNames(),
  ])
  return {
    at: ctx.now,
    models: table(
      'model',
      modelNames,
      sources.flatMap((s) => s.modelColumns ?? []),
      (name) => sources.map((s) => s.model?.(name) ?? {}),
    ),
    endpoints: table(
      'endpoint',
      endpointNames,
      sources.flatMap((s) => s.endpointColumns ?? []),
      (name) => sources.map((s) => s.endpoint?.(name) ?? {}),
    ),
  }
}

function table(
  keyLabel: string,
  names: readonly string[],
  columns: readonly StatusColumn[],
  values: (name: string) => RowValues[],
): StatusTable {
  const rows: StatusRow[] = names.map((name) => {
    const row: RowValues = { name }
    for (const v of values(name)) Object.assign(row, v)
    return row
  })
  return { columns: [{ key: 'name', label: keyLabel, format: 'text' }, ...columns], rows }
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)]
}

const TRAFFIC_COLUMNS: readonly StatusColumn[] = [
  { key: 'inflight', label: 'in flight', format: 'int', title: 'requests waiting for an answer' },
  { key: 'rate', label: 'req/s', format: 'rate', title: 'completions per second, last minute' },
  { key: 'p50', label: 'p50', format: 'ms', title: 'median latency, recent completions' },
  { key: 'p95', label: 'p95', format: 'ms', title: '95th percentile latency, recent completions' },
  { key: 'ttft', label: 'TTFT p50', format: 'ms', title: 'median time to first token' },
  {
    key: 'errorRate',
    label: 'error rate',
    format: 'pct',
    title: 'share of recent completions that failed',
  },
]

function trafficValues(f: TrafficFigures | undefined): RowValues {
  if (!f) return { inflight: 0, rate: 0, p50: null, p95: null, ttft: null, errorRate: null }
  return {
    inflight: f.inflight,
    rate: f.rate,
    p50: f.p50Ms,
    p95: f.p95Ms,
    ttft: f.ttftP50Ms,
    errorRate: f.requests === 0 ? null : f.errors / f.requests,
  }
}

/** Health from what the router saw: 3 failures in a row = failing, any recent failure = degraded. */
export function healthOf(f: TrafficFigures | undefined): string {
  if (!f || f.lastAt === null) return 'no traffic'
  if (f.failingStreak >= 3) return 'failing'
  if (f.errors > 0) return 'degraded'
  return 'healthy'
}

/** Recent traffic, seen while a console listens. */
export function trafficSource(ctx: () => TableContext): StatusSource {
  return {
    modelColumns: TRAFFIC_COLUMNS,
    endpointColumns: [
      { key: 'health', label: 'health', format: 'health', title: 'from the latest completions' },
      ...TRAFFIC_COLUMNS,
      { key: 'lastStatus', label: 'last status', format: 'int' },
      { key: 'tokens', label: 'tokens (seen)', format: 'int', title: 'while a console listened' },
      { key: 'cost', label: 'cost (seen)', format: 'money', title: 'while a console listened' },
    ],
    model(name) {
      const c = ctx()
      return trafficValues(c.traffic.model(name, c.now, c.windowMs))
    },
    endpoint(name) {
      const c = ctx()
      const f = c.traffic.endpoint(name, c.now, c.windowMs)
      return {
        health: healthOf(f),
        ...trafficValues(f),
        lastStatus: f?.lastStatus ?? null,
        tokens: f?.tokens ?? 0,
        cost: f?.cost ?? 0,
      }
    },
  }
}

/** What the config says about each model and endpoint. */
export function configSource(config: () => RouterConfig | undefined): StatusSource {
  return {
    modelColumns: [
      { key: 'family', label: 'reasoning family', format: 'text' },
      { key: 'endpoints', label: 'endpoints', format: 'text', title: 'preferred_endpoints' },
      { key: 'price', label: 'price in/out per 1M', format: 'text' },
    ],
    endpointColumns: [
      { key: 'address', label: 'address', format: 'text' },
      { key: 'weight', label: 'weight', format: 'number' },
      {
        key: 'priority',
        label: 'priority',
        format: 'int',
        title: 'priority level: 0 is primary, higher levels are standbys',
      },
      { key: 'serves', label: 'models', format: 'text', title: 'models preferring it' },
    ],
    model(name) {
      const m = config()?.model_config[name]
      const p = m?.pricing
      return {
        family: m?.reasoning_family ?? null,
        endpoints: m?.preferred_endpoints.join(', ') || (m ? 'any' : null),
        price: p ? `${p.prompt_per_1m} / ${p.completion_per_1m} ${p.currency}` : null,
      }
    },
    endpoint(name) {
      const c = config()
      const e = c?.vllm_endpoints.find((x) => x.name === name)
      if (!e) return { address: null, weight: null, priority: null, serves: null }
      const serves = Object.entries(c?.model_config ?? {})
        .filter(([, m]) => m.preferred_endpoints.includes(name))
        .map(([model]) => model)
      return {
        address: `${e.address}:${e.port}`,
        weight: e.weight,
        priority: e.priority,
        serves: serves.join(', '),
      }
    },
  }
}

/** Lifetime figures from the router's Prometheus counters (since the process started). */
export function lifetimeSource(metrics: RouterMetrics): StatusSource {
  let byModel = new Map<
    string,
    { completions: number; tokens: number; cost: string | number; errors: number }
  >()
  const entry = (model: string) => {
    let e = byModel.get(model)
    if (!e) byModel.set(model, (e = { completions: 0, tokens: 0, cost: 0, errors: 0 }))
    return e
  }
  return {
    modelColumns: [
      { key: 'completions', label: 'completions (total)', format: 'int', title: 'since start' },
      {
        key: 'tokens',
        label: 'tokens (total)',
        format: 'int',
        title: 'since start (llm_model_tokens_total)',
      },
      { key: 'cost', label: 'cost so far', format: 'money', title: 'llm_model_cost_total' },
      {
        key: 'failures',
        label: 'errors (total)',
        format: 'int',
        title: 'since start, including blocks (llm_request_errors_total)',
      },
    ],
    async prepare() {
      byModel = new Map()
      const [latency, tokens, cost, errors] = await Promise.all([
        metrics.completionLatency.get(),
        metrics.modelTokens.get(),
        metrics.modelCost.get(),
        metrics.requestErrors.get(),
      ])
      for (const v of latency.values)
        if (v.metricName?.endsWith('_count'))
          entry(String(v.labels['model'])).completions += v.value
      for (const v of tokens.values) entry(String(v.labels['model'])).tokens += v.value
      const costs = new Map<string, Map<string, number>>()
      for (const v of cost.values) {
        const model = String(v.labels['model'])
        const byCurrency = costs.get(model) ?? new Map<string, number>()
        const currency = String(v.labels['currency'])
        byCurrency.set(currency, (byCurrency.get(currency) ?? 0) + v.value)
        costs.set(model, byCurrency)
      }
      for (const [model, byCurrency] of costs) {
        const all = [...byCurrency]
        entry(model).cost =
          all.length === 1 && all[0]![0] === 'USD'
            ? all[0]![1]
            : all.map(([c, v]) => `${v.toPrecision(3)} ${c}`).join(', ')
      }
      for (const v of errors.values) entry(String(v.labels['model'])).errors += v.value
    },
    model(name) {
      const e = byModel.get(name)
      return {
        completions: e?.completions ?? 0,
        tokens: e?.tokens ?? 0,
        cost: e?.cost ?? 0,
        failures: e?.errors ?? 0,
      }
    },
  }
}
