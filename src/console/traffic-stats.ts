/**
 * Recent traffic per model and per endpoint, seen while a console listens: requests in flight,
 * the last completions (latency, time to first token, success) for percentiles and error rates,
 * tokens and cost. Bounded: a fixed sample ring per key, a capped number of keys, and a capped
 * map of requests in flight.
 */
import type { DecisionEvent, RequestStartEvent } from '../runtime/events.js'

/** Completions kept per model / endpoint for percentiles and rates. */
const SAMPLES = 256
const MAX_KEYS = 512
const MAX_INFLIGHT = 20_000

interface Sample {
  readonly at: number
  readonly latencyMs: number
  readonly ttftMs: number | undefined
  readonly ok: boolean
}

export interface TrafficFigures {
  readonly inflight: number
  /** Completions within the window. */
  readonly requests: number
  readonly errors: number
  /** Requests per second over the last minute. */
  readonly rate: number
  readonly p50Ms: number | null
  readonly p95Ms: number | null
  readonly ttftP50Ms: number | null
  /** Consecutive failures up to the latest completion. */
  readonly failingStreak: number
  readonly lastStatus: number | null
  readonly lastAt: number | null
  readonly tokens: number
  readonly cost: number
}

class KeyStats {
  readonly samples: Sample[] = []
  next = 0
  inflight = 0
  failingStreak = 0
  lastStatus: number | null = null
  lastAt: number | null = null
  tokens = 0
  cost = 0

  record(s: Sample, e: DecisionEvent): void {
    if (this.samples.length < SAMPLES) this.samples.push(s)
    else this.samples[this.next] = s
    this.next = (this.next + 1) % SAMPLES
    this.failingStreak = s.ok ? 0 : this.failingStreak + 1
    this.lastStatus = e.status
    this.lastAt = e.at
    this.tokens += e.usage?.totalTokens ?? 0
    this.cost += e.cost?.amount ?? 0
  }

  figures(now: number, windowMs: number): TrafficFigures {
    const recent = this.samples.filter((s) => s.at > now - windowMs)
    const latencies = recent.map((s) => s.latencyMs).sort((a, b) => a - b)
    const ttfts = recent
      .map((s) => s.ttftMs)
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b)
    const lastMinute = recent.filter((s) => s.at > now - 60_000).length
    return {
      inflight: this.inflight,
      requests: recent.length,
      errors: recent.filter((s) => !s.ok).length,
      rate: lastMinute / 60,
      p50Ms: quantile(latencies, 0.5),
      p95Ms: quantile(latencies, 0.95),
      ttftP50Ms: quantile(ttfts, 0.5),
      failingStreak: this.failingStreak,
      lastStatus: this.lastStatus,
      lastAt: this.lastAt,
      tokens: this.tokens,
      cost: this.cost,
    }
  }
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

export class TrafficStats {
  private readonly models = new Map<string, KeyStats>()
  private readonly endpoints = new Map<string, KeyStats>()
  private readonly inflight = new Map<string, { model: string; endpoint: string | undefined }>()

  started(e: RequestStartEvent): void {
    // The same request again: the gateway failed over to another model (the pipeline decided
    // anew), and only the last try ends with a decision.
    this.release(e.id)
    if (this.inflight.size >= MAX_INFLIGHT) return
    this.inflight.set(e.id, { model: e.model, endpoint: e.endpoint })
    const m = this.key(this.models, e.model)
    if (m) m.inflight++
    const ep = e.endpoint === undefined ? undefined : this.key(this.endpoints, e.endpoint)
    if (ep) ep.inflight++
  }

  private release(id: string): void {
    const started = this.inflight.get(id)
    if (!started) return
    this.inflight.delete(id)
    const m = this.models.get(started.model)
    if (m) m.inflight = Math.max(0, m.inflight - 1)
    const ep = started.endpoint === undefined ? undefined : this.endpoints.get(started.endpoint)
    if (ep) ep.inflight = Math.max(0, ep.inflight - 1)
  }

  finished(e: DecisionEvent): void {
    this.release(e.id)
    // Only requests that reached (or tried to reach) a model say anything about it.
    if (e.outcome !== 'forwarded') return
    const sample: Sample = {
      at: e.at,
      latencyMs: e.latencyMs,
      ttftMs: e.ttftMs,
      ok: e.status > 0 && e.status < 400 && e.error === undefined,
    }
    this.key(this.models, e.upstreamModel)?.record(sample, e)
    if (e.endpoint) this.key(this.endpoints, e.endpoint.name)?.record(sample, e)
  }

  model(name: string, now: number, windowMs: number): TrafficFigures | undefined {
    return this.models.get(name)?.figures(now, windowMs)
  }

  endpoint(name: string, now: number, windowMs: number): TrafficFigures | undefined {
    return this.endpoints.get(name)?.figures(now, windowMs)
  }

  /** Names seen in traffic (models not in the config, e.g. after a reload removed them). */
  modelNames(): string[] {
    return [...this.models.keys()]
  }

  endpointNames(): string[] {
    return [...this.endpoints.keys()]
  }

  clear(): void {
    this.models.clear()
    this.endpoints.clear()
    this.inflight.clear()
  }

  private key(map: Map<string, KeyStats>, name: string): KeyStats | undefined {
    let stats = map.get(name)
    if (!stats && map.size < MAX_KEYS) map.set(name, (stats = new KeyStats()))
    return stats
  }
}
