/**
 * What every endpoint policy gets for free: health and live load. The configured policy (global,
 * or a model's own `model_config.<model>.endpoint_policy`) only ever sees the endpoints that may
 * take a request now — not excluded by the caller (tried already), weight above 0, not ejected,
 * not failing active health checks, and a half-open endpoint only while it has no probe running.
 * Every observation from either transport updates the shared EndpointStats (in flight, latency)
 * and passive outlier detection before it reaches the policy.
 *
 * Outlier detection: `consecutive_failures` connect errors / 5xx / timeouts in a row eject an
 * endpoint for `base_ejection_ms`, doubled for each further ejection without a success in between
 * (capped at `max_ejection_ms`); at most `max_ejected_percent` of a model's endpoints are ejected at
 * once. When the ejection ends the endpoint is half-open: one request at a time goes to it; a
 * success makes it healthy again, a failure ejects it at once for longer. When every endpoint of a
 * model is unavailable the policy picks among all of them anyway (panic mode, as Envoy does):
 * trying a doubtful endpoint beats refusing the request.
 */
import type { HealthChecksConfig, OutlierDetectionConfig } from '../../config/schema/resilience.js'
import type { EndpointLoad, EndpointStats } from '../../runtime/endpoint-stats.js'
import type {
  EndpointCandidate,
  EndpointObservation,
  EndpointPickContext,
  EndpointPolicy,
  EndpointTarget,
} from './types.js'
import { EndpointProber, type ProbeResult } from './prober.js'
import { usable } from './weighted.js'

/** Errors that say nothing about the endpoint's health (the client left, the router gave up). */
const NOT_THE_ENDPOINTS_FAULT = new Set([
  'cancellation',
  'client_disconnected',
  'stream_incomplete',
])

/** Whether a finished try counts against the endpoint (connect error, 5xx, timeout, cut stream). */
export function isEndpointFailure(event: Extract<EndpointObservation, { kind: 'finished' }>) {
  if (event.status >= 500) return true
  if (event.error === undefined || NOT_THE_ENDPOINTS_FAULT.has(event.error)) return false
  return event.status === 0 || event.error.startsWith('upstream_')
}

export class ResilientPolicy implements EndpointPolicy {
  readonly kind: string
  private readonly fallback: EndpointPolicy
  private readonly perModel: ReadonlyMap<string, EndpointPolicy>
  private readonly stats: EndpointStats
  private readonly outliers: OutlierDetectionConfig
  /** Each model's candidate list as last seen (the pool the ejection cap is measured on). */
  private readonly pools = new Map<string, readonly EndpointCandidate[]>()
  private readonly now: () => number
  private readonly prober: EndpointProber | undefined
  private readonly healthThreshold: number

  constructor(options: {
    readonly policy: EndpointPolicy
    readonly perModel?: ReadonlyMap<string, EndpointPolicy>
    readonly stats: EndpointStats
    readonly outliers: OutlierDetectionConfig
    /** Clock in ms (tests); default performance.now. */
    readonly now?: () => number
    /** Active health checks of these endpoints (undefined or disabled: none). */
    readonly healthChecks?: {
      readonly config: HealthChecksConfig
      readonly endpoints: readonly EndpointTarget[]
    }
  }) {
    this.now = options.now ?? (() => performance.now())
    this.fallback = options.policy
    this.kind = options.policy.kind
    this.perModel = options.perModel ?? new Map()
    this.stats = options.stats
    this.outliers = options.outliers
    const checks = options.healthChecks
    this.healthThreshold = checks?.config.unhealthy_threshold ?? 1
    if (checks?.config.enabled)
      this.prober = new EndpointProber(checks.endpoints, {
        path: checks.config.path,
        intervalMs: checks.config.interval_ms,
        timeoutMs: checks.config.timeout_ms,
        readBody: false,
        onResult: (endpoint, result) => this.probed(endpoint.name, result),
      })
    // Checks switched off (or never on): a verdict from an earlier config must not linger.
    else for (const e of checks?.endpoints ?? []) this.resetProbe(e.name)
  }

  /** The policy that picks for this model. */
  policyFor(model: string): EndpointPolicy {
    return this.perModel.get(model) ?? this.fallback
  }

  pick(
    candidates: readonly EndpointCandidate[],
    context: EndpointPickContext,
  ): EndpointTarget | undefined {
    this.pools.set(context.model, candidates)
    const now = this.now()
    const open = usable(candidates, context).filter((c) =>
      this.isOpen(this.stats.endpoint(c.target.name), now),
    )
    const policy = this.policyFor(context.model)
    const target = open.length > 0 ? policy.pick(open, context) : policy.pick(candidates, context) // panic mode
    if (target) this.stats.endpoint(target.name).picks++
    return target
  }

  /** Some endpoint of the model (as last picked for) is available now; unknown models are. */
  available(model: string): boolean {
    const pool = this.pools.get(model)
    if (pool === undefined) return true
    const now = this.now()
    return pool.some((c) => c.weight > 0 && this.isOpen(this.stats.endpoint(c.target.name), now))
  }

  observe(event: EndpointObservation): void {
    const load = this.stats.endpoint(event.endpoint)
    if (event.kind === 'started') {
      this.stats.started(event.endpoint, event.model)
      if (load.halfOpen) load.probes++
    } else {
      const failed = isEndpointFailure(event)
      if (load.halfOpen) load.probes = Math.max(0, load.probes - 1)
      this.stats.finished(event.endpoint, event.model, {
        latencySeconds: event.latencySeconds,
        ...(event.ttftSeconds === undefined ? {} : { ttftSeconds: event.ttftSeconds }),
        failed,
      })
      if (this.outliers.enabled) this.judge(event.endpoint, event.model, load, failed)
    }
    this.policyFor(event.model).observe?.(event)
  }

  async close(): Promise<void> {
    this.prober?.close()
    const policies = new Set([this.fallback, ...this.perModel.values()])
    await Promise.allSettled([...policies].map((p) => p.close?.() ?? Promise.resolve()))
  }

  /** One active probe's answer: 2xx is healthy; `unhealthy_threshold` failures in a row are not. */
  private probed(endpoint: string, result: ProbeResult): void {
    const load = this.stats.endpoint(endpoint)
    if (result.ok && result.status >= 200 && result.status < 300) {
      load.probeFailures = 0
      load.probeHealthy = true
      // A passing probe ends an ejection early (as Envoy's active checks do): half-open now.
      const now = this.now()
      if (now < load.ejectedUntil) load.ejectedUntil = now
      return
    }
    load.probeFailures++
    const threshold = this.healthThreshold
    if (load.probeFailures >= threshold) load.probeHealthy = false
  }

  private resetProbe(endpoint: string): void {
    const load = this.stats.endpoint(endpoint)
    load.probeHealthy = undefined
    load.probeFailures = 0
  }

  private isOpen(load: EndpointLoad, now: number): boolean {
    const health = load.health(now)
    if (health === 'healthy') return true
    return health === 'half_open' && load.probes === 0
  }

  private judge(endpoint: string, model: string, load: EndpointLoad, failed: boolean): void {
    const now = this.now()
    if (!failed) {
      load.consecutiveFailures = 0
      load.ejectionStreak = 0
      load.halfOpen = false
      return
    }
    load.consecutiveFailures++
    if (now < load.ejectedUntil) return // already out (a try that started before the ejection)
    const trip = load.halfOpen || load.consecutiveFailures >= this.outliers.consecutive_failures
    if (trip && this.mayEject(endpoint, model, now)) this.eject(load, now)
  }

  private mayEject(endpoint: string, model: string, now: number): boolean {
    const pool = this.pools.get(model) ?? []
    const allowed = Math.max(1, Math.floor((pool.length * this.outliers.max_ejected_percent) / 100))
    let ejected = 0
    for (const c of pool)
      if (c.target.name !== endpoint && now < this.stats.endpoint(c.target.name).ejectedUntil)
        ejected++
    return ejected < allowed
  }

  private eject(load: EndpointLoad, now: number): void {
    const backoff = Math.min(
      this.outliers.max_ejection_ms,
      this.outliers.base_ejection_ms * 2 ** load.ejectionStreak,
    )
    load.ejectedUntil = now + backoff
    load.ejectionStreak++
    load.ejections++
    load.halfOpen = true
    load.consecutiveFailures = 0
  }
}
