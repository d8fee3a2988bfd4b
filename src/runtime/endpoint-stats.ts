/**
 * Live per-endpoint and per-model load and health, fed by what both transports report about each
 * try (started, finished: status, latency, time to first byte) and by the vLLM metrics scraper.
 * One object per router process (RouterState), so a config reload keeps what was learnt: an
 * ejected endpoint stays ejected, a slow one stays known as slow.
 *
 * Endpoint policies read it to pick (in-flight, latency); outlier detection writes the health part;
 * model selectors may read the per-model view (`model(name)`); metrics and the console read
 * `snapshot()`. Only numbers live here — no routing decisions.
 */

/** How fast the latency averages forget: weight of the newest sample. */
const LATENCY_ALPHA = 0.3
/** After this long without an answer an endpoint's latency average starts to fade (ms)… */
const STALE_AFTER_MS = 2_000
/** …halving its distance to the model's average every this long. */
const STALE_HALF_LIFE_MS = 10_000

/** vLLM's own load figures for one endpoint (from its Prometheus /metrics). */
export interface VllmLoad {
  readonly waiting: number
  readonly running: number
  /** 0..1 */
  readonly kvCacheUsage: number
  /** performance.now() of the scrape. */
  readonly at: number
}

export type HealthState = 'healthy' | 'ejected' | 'cooling_down' | 'half_open' | 'unhealthy'

export class EndpointLoad {
  inFlight = 0
  /** Decaying average of observed latency in seconds (time to first byte for streams). */
  latency: number | undefined = undefined
  samples = 0
  lastSampleAt = 0
  /** Failures since the last success (connect errors, 5xx, timeouts). */
  consecutiveFailures = 0
  /** Ejected until this performance.now() (0: not ejected since the last success). */
  ejectedUntil = 0
  /** Not picked until this performance.now(): it answered 429/503 with Retry-After (0: never). */
  coolingUntil = 0
  /** The status of that answer (429 or 503): what a client gets while everything is cooling. */
  coolingStatus = 0
  /** Ejections in a row without a success in between (the backoff grows with it). */
  ejectionStreak = 0
  /** After an ejection ends: one probe at a time until a success closes it. */
  halfOpen = false
  probes = 0
  /** Set by active health checks: false = failing its probe (undefined: not checked). */
  probeHealthy: boolean | undefined = undefined
  /** Failed active probes in a row. */
  probeFailures = 0
  vllm: VllmLoad | undefined = undefined
  /** Configured priority level (`vllm_endpoints[].priority`; metrics and the console). */
  priority = 0
  /** Totals since the process started (metrics). */
  picks = 0
  ejections = 0

  /**
   * The latency average as of `now` (ms clock): an endpoint that got no answers for a while (a slow
   * one the policy stopped choosing) drifts back towards `typical` (the model's average), half the
   * way every 10 s after 2 s of silence, so it is tried again and its figure refreshed.
   */
  latencyAt(now: number, typical: number | undefined): number | undefined {
    if (this.latency === undefined || typical === undefined) return this.latency
    const silent = now - this.lastSampleAt - STALE_AFTER_MS
    if (silent <= 0) return this.latency
    return typical + (this.latency - typical) * 0.5 ** (silent / STALE_HALF_LIFE_MS)
  }

  health(now: number): HealthState {
    if (this.probeHealthy === false) return 'unhealthy'
    if (now < this.ejectedUntil) return 'ejected'
    if (now < this.coolingUntil) return 'cooling_down'
    if (this.halfOpen) return 'half_open'
    return 'healthy'
  }
}

/** The per-model view (what a model selector wants: how that model is doing right now). */
export class ModelLoad {
  inFlight = 0
  latency: number | undefined = undefined
  samples = 0
  failures = 0
  successes = 0
}

export interface TryReport {
  readonly latencySeconds: number
  /** Time to first byte (streams); preferred over the total latency when known. */
  readonly ttftSeconds?: number
  readonly failed: boolean
}

export class EndpointStats {
  private readonly endpoints = new Map<string, EndpointLoad>()
  private readonly models = new Map<string, ModelLoad>()
  /** Hears each successful answer's latency (the per-endpoint histogram). */
  onLatency: ((endpoint: string, seconds: number) => void) | undefined = undefined

  /** The endpoint's live state (created on first use). */
  endpoint(name: string): EndpointLoad {
    let load = this.endpoints.get(name)
    if (load === undefined) {
      load = new EndpointLoad()
      this.endpoints.set(name, load)
    }
    return load
  }

  /** The model's live state across its endpoints (created on first use). */
  model(name: string): ModelLoad {
    let load = this.models.get(name)
    if (load === undefined) {
      load = new ModelLoad()
      this.models.set(name, load)
    }
    return load
  }

  /** A try to `endpoint` for `model` began. */
  started(endpoint: string, model: string): void {
    this.endpoint(endpoint).inFlight++
    this.model(model).inFlight++
  }

  /** That try ended. Latency feeds the averages only for answers (a refused connection is fast). */
  finished(endpoint: string, model: string, report: TryReport): void {
    const e = this.endpoint(endpoint)
    const m = this.model(model)
    e.inFlight = Math.max(0, e.inFlight - 1)
    m.inFlight = Math.max(0, m.inFlight - 1)
    if (report.failed) {
      m.failures++
      return
    }
    m.successes++
    const seconds = report.ttftSeconds ?? report.latencySeconds
    e.latency = decay(e.latency, seconds)
    e.samples++
    e.lastSampleAt = performance.now()
    m.latency = decay(m.latency, seconds)
    m.samples++
    this.onLatency?.(endpoint, seconds)
  }

  /** Every endpoint known so far (for metrics, the console, tests). */
  snapshot(): ReadonlyMap<string, EndpointLoad> {
    return this.endpoints
  }
}

function decay(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + LATENCY_ALPHA * (sample - previous)
}
