/**
 * *(ours)* Per-endpoint metrics (issue 14): load, latency, health and what the router did about
 * failures. The `endpoint` label is a `vllm_endpoints[].name` (bounded by the config). In-flight,
 * health, picks and ejections are read from the live endpoint stats when Prometheus scrapes
 * (`watch`); latency, retries and failovers are recorded as they happen.
 */
import { Counter, Gauge, type Histogram, type Registry } from 'prom-client'
import { FastCounter, FastHistogram } from './fast-metrics.js'

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
export const HEALTH_STATES = [
  'healthy',
  'ejected',
  'cooling_down',
  'half_open',
  'unhealthy',
] as const

/** What the scrape reads for each endpoint (src/runtime/endpoint-stats.ts provides it). */
export interface EndpointView {
  readonly inFlight: number
  readonly picks: number
  readonly ejections: number
  /** Configured priority level (0 = primary). */
  readonly priority: number
  health(now: number): (typeof HEALTH_STATES)[number]
}

export class EndpointMetrics {
  readonly inFlight: Gauge<'endpoint'>
  readonly health: Gauge<'endpoint' | 'state'>
  readonly picks: Counter<'endpoint'>
  readonly ejections: Counter<'endpoint'>
  readonly priority: Gauge<'endpoint'>
  readonly latency: Histogram<'endpoint'>
  readonly retries: Counter<'endpoint' | 'reason'>
  readonly failovers: Counter<'from_model' | 'to_model'>
  private source: (() => ReadonlyMap<string, EndpointView>) | undefined

  constructor(registry: Registry) {
    const registers = [registry]
    const view = () => this.source?.() ?? new Map<string, EndpointView>()
    this.inFlight = new Gauge({
      name: 'llm_endpoint_requests_in_flight',
      help: 'Requests (tries) in flight to each endpoint, through either transport',
      labelNames: ['endpoint'] as const,
      registers,
      collect() {
        this.reset()
        for (const [endpoint, e] of view()) this.set({ endpoint }, e.inFlight)
      },
    })
    this.health = new Gauge({
      name: 'llm_endpoint_health_state',
      help: 'Endpoint health: 1 for the state it is in (healthy, ejected, cooling_down, half_open, unhealthy)',
      labelNames: ['endpoint', 'state'] as const,
      registers,
      collect() {
        this.reset()
        const now = performance.now()
        for (const [endpoint, e] of view()) {
          const current = e.health(now)
          for (const state of HEALTH_STATES)
            this.set({ endpoint, state }, state === current ? 1 : 0)
        }
      },
    })
    // Set from the endpoint view in collect() only (no per-request call): prom-client's own Counter.
    this.picks = new Counter({
      name: 'llm_endpoint_picks_total',
      help: 'Times the endpoint policy picked each endpoint (first tries and retries)',
      labelNames: ['endpoint'] as const,
      registers,
      collect() {
        this.reset()
        for (const [endpoint, e] of view()) this.inc({ endpoint }, e.picks)
      },
    })
    this.ejections = new Counter({
      name: 'llm_endpoint_ejections_total',
      help: 'Times outlier detection ejected each endpoint',
      labelNames: ['endpoint'] as const,
      registers,
      collect() {
        this.reset()
        for (const [endpoint, e] of view()) this.inc({ endpoint }, e.ejections)
      },
    })
    this.priority = new Gauge({
      name: 'llm_endpoint_priority',
      help: 'Configured priority level of each endpoint (0 = primary, 1+ = standby)',
      labelNames: ['endpoint'] as const,
      registers,
      collect() {
        this.reset()
        for (const [endpoint, e] of view()) this.set({ endpoint }, e.priority)
      },
    })
    this.latency = new FastHistogram({
      name: 'llm_endpoint_latency_seconds',
      help: 'Latency of successful answers per endpoint (time to first byte for streams)',
      labelNames: ['endpoint'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    })
    this.retries = new FastCounter({
      name: 'llm_endpoint_retries_total',
      help: 'Failed tries on each endpoint that were retried elsewhere, by reason',
      labelNames: ['endpoint', 'reason'] as const,
      registers,
    })
    this.failovers = new FastCounter({
      name: 'llm_model_failovers_total',
      help: 'Requests retried on another model after every endpoint of the first failed',
      labelNames: ['from_model', 'to_model'] as const,
      registers,
    })
  }

  /** Read in-flight, health, picks and ejections from these endpoint stats at each scrape. */
  watch(source: () => ReadonlyMap<string, EndpointView>): void {
    this.source = source
  }
}
