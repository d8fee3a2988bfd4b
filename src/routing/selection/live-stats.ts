/**
 * Live per-model latency distributions of the router's own traffic — what the latency-aware and
 * multi-factor selectors read for percentiles and SLOs. Fed by the same observations the
 * EndpointPolicy gets (request finished with status, latency, time to first token and completion
 * tokens), so both transports count alike: per model, the last `window` finished requests'
 * latency, TTFT, time per output token, completion tokens and error flag.
 *
 * Requests in flight are not counted again here: they come from the process's EndpointStats
 * (src/runtime/endpoint-stats.ts, engineer resilience's, kept across reloads), which only has
 * decaying averages — percentiles need the window below.
 *
 * Bounded: a fixed ring per model, and only the models the config names (others are ignored).
 */
import type { EndpointStats } from '../../runtime/endpoint-stats.js'
import type { EndpointObservation } from './observation.js'

export type LiveMetric = 'latency' | 'ttft' | 'tpot'

export interface ModelLiveSnapshot {
  readonly model: string
  readonly inflight: number
  /** Finished requests in the window. */
  readonly samples: number
  readonly errorRate: number
  /** Percentiles in milliseconds (undefined when no sample has that measure). */
  readonly latencyMs: { readonly p50?: number; readonly p95?: number }
  readonly ttftMs: { readonly p50?: number; readonly p95?: number }
  readonly tpotMs: { readonly p50?: number; readonly p95?: number }
  /** Mean completion tokens of successful answers (undefined before the first). */
  readonly meanCompletionTokens?: number
}

class Ring {
  private readonly values: number[] = []
  private next = 0
  constructor(private readonly size: number) {}
  push(value: number): void {
    if (this.values.length < this.size) this.values.push(value)
    else this.values[this.next] = value
    this.next = (this.next + 1) % this.size
  }
  get length(): number {
    return this.values.length
  }
  /** Nearest-rank percentile (p in 1..100). */
  percentile(p: number): number | undefined {
    if (this.values.length === 0) return undefined
    const sorted = [...this.values].sort((a, b) => a - b)
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
    return sorted[rank - 1]
  }
  mean(): number | undefined {
    if (this.values.length === 0) return undefined
    return this.values.reduce((a, b) => a + b, 0) / this.values.length
  }
}

class ModelWindow {
  readonly latency: Ring
  readonly ttft: Ring
  readonly tpot: Ring
  readonly errors: Ring
  readonly tokens: Ring
  constructor(size: number) {
    this.latency = new Ring(size)
    this.ttft = new Ring(size)
    this.tpot = new Ring(size)
    this.errors = new Ring(size)
    this.tokens = new Ring(size)
  }
}

export interface LiveStatsOptions {
  /** Finished requests kept per model (default 200). */
  readonly window?: number
  /** Models measured (others ignored); undefined = any (tests). */
  readonly models?: Iterable<string>
  /** Where requests in flight per model are read (none: 0). */
  readonly load?: EndpointStats
}

export class ModelLiveStats {
  private readonly byModel = new Map<string, ModelWindow>()
  private readonly size: number
  private readonly allowed: ReadonlySet<string> | undefined
  private readonly load: EndpointStats | undefined

  constructor(options: LiveStatsOptions = {}) {
    this.size = options.window ?? 200
    this.allowed = options.models ? new Set(options.models) : undefined
    this.load = options.load
  }

  /** EndpointPolicy-style observation (finished requests only); cheap and never throws. */
  observe(event: EndpointObservation): void {
    if (event.kind !== 'finished') return
    const w = this.window(event.model)
    if (!w) return
    const failed = event.error !== undefined || event.status >= 500 || event.status === 0
    w.errors.push(failed ? 1 : 0)
    if (failed) return
    w.latency.push(event.latencySeconds * 1000)
    if (event.ttftSeconds !== undefined) w.ttft.push(event.ttftSeconds * 1000)
    const tokens = event.completionTokens
    if (tokens !== undefined && tokens > 0) {
      w.tokens.push(tokens)
      const generation = event.latencySeconds - (event.ttftSeconds ?? 0)
      if (tokens > 1) w.tpot.push((Math.max(0, generation) * 1000) / (tokens - 1))
    }
  }

  /** Requests to `model` in flight now (EndpointStats' count). */
  inflight(model: string): number {
    return this.load?.model(model).inFlight ?? 0
  }

  /** The `p`th percentile of a measure in milliseconds; undefined without samples. */
  percentile(model: string, metric: LiveMetric, p: number): number | undefined {
    return this.byModel.get(model)?.[metric].percentile(p)
  }

  samples(model: string): number {
    return this.byModel.get(model)?.errors.length ?? 0
  }

  errorRate(model: string): number {
    return this.byModel.get(model)?.errors.mean() ?? 0
  }

  meanCompletionTokens(model: string): number | undefined {
    return this.byModel.get(model)?.tokens.mean()
  }

  snapshot(model: string): ModelLiveSnapshot {
    const tokens = this.meanCompletionTokens(model)
    const pair = (m: LiveMetric) => {
      const p50 = this.percentile(model, m, 50)
      const p95 = this.percentile(model, m, 95)
      return { ...(p50 === undefined ? {} : { p50 }), ...(p95 === undefined ? {} : { p95 }) }
    }
    return {
      model,
      inflight: this.inflight(model),
      samples: this.samples(model),
      errorRate: this.errorRate(model),
      latencyMs: pair('latency'),
      ttftMs: pair('ttft'),
      tpotMs: pair('tpot'),
      ...(tokens === undefined ? {} : { meanCompletionTokens: tokens }),
    }
  }

  models(): string[] {
    return [...this.byModel.keys()]
  }

  private window(model: string): ModelWindow | undefined {
    let w = this.byModel.get(model)
    if (w) return w
    if (this.allowed && !this.allowed.has(model)) return undefined
    w = new ModelWindow(this.size)
    this.byModel.set(model, w)
    return w
  }
}
