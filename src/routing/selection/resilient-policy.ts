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
 *
 * Priority levels (`vllm_endpoints[].priority`, 0 = primary): the policy sees only the available
 * endpoints of the lowest level that has one, so a standby gets traffic only while every endpoint
 * below it is ejected or unhealthy — or, within one request, once the lower level's endpoints were
 * tried (the caller excludes them). Weights are shares within a level.
 */
import type {
  CoolDownConfig,
  HealthChecksConfig,
  OutlierDetectionConfig,
} from '../../config/schema/resilience.js'
import { RouterError } from '../../errors.js'
import type { EndpointLoad, EndpointStats } from '../../runtime/endpoint-stats.js'
import type {
  EndpointCandidate,
  EndpointObservation,
  EndpointPickContext,
  EndpointPolicy,
  EndpointTarget,
} from './types.js'
import { EndpointProber, type ProbeResult } from './prober.js'
import { isUsable, usable } from './weighted.js'

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
  private readonly coolDown: CoolDownConfig | undefined
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
    /** Honour `Retry-After` on 429/503 as a cool-down (undefined: not at all). */
    readonly coolDown?: CoolDownConfig
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
    this.coolDown = options.coolDown?.enabled ? options.coolDown : undefined
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
    const open = this.allOpen(candidates, context, now)
      ? candidates
      : usable(candidates, context).filter((c) =>
          this.isOpen(this.stats.endpoint(c.target.name), now),
        )
    const policy = this.policyFor(context.model)
    // Panic mode (nothing available): among all of them, still the preferred level first —
    // unless some are cooling down after a Retry-After: then the client is told when to come back.
    const pool = open.length > 0 ? open : usable(candidates, context)
    if (open.length === 0 && pool.length > 0)
      this.refuseWhileCooling(pool, candidates, context, now)
    const target = policy.pick(pool.length > 0 ? lowestLevel(pool) : candidates, context)
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
    if (event.kind === 'finished' && event.retryAfterMs !== undefined) this.coolOff(load, event)
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

  /** A 429/503 with Retry-After: the endpoint is not picked again before then (bounded). */
  private coolOff(load: EndpointLoad, event: Extract<EndpointObservation, { kind: 'finished' }>) {
    if (this.coolDown === undefined || (event.status !== 429 && event.status !== 503)) return
    const until = this.now() + Math.min(event.retryAfterMs ?? 0, this.coolDown.max_ms)
    if (until <= load.coolingUntil) return
    load.coolingUntil = until
    load.coolingStatus = event.status
  }

  /**
   * Nothing in `pool` is available and some of it is cooling down after a Retry-After: answer the
   * client with that status (429 or 503) and a Retry-After for the soonest end of a cool-down
   * instead of sending the request to an endpoint that asked not to get one. The soonest end is
   * taken over every endpoint that could take the request again — this model's (tried ones
   * included) and the other candidate models' (`context.otherModels`) — so the client comes back
   * when the first of them is free, whichever model it belongs to.
   */
  private refuseWhileCooling(
    pool: readonly EndpointCandidate[],
    candidates: readonly EndpointCandidate[],
    context: EndpointPickContext,
    now: number,
  ): void {
    if (!pool.some((c) => now < this.stats.endpoint(c.target.name).coolingUntil)) return
    let soonest = this.soonestCooling(candidates, now, undefined)
    for (const others of context.otherModels?.() ?? [])
      soonest = this.soonestCooling(others, now, soonest)
    if (soonest === undefined) return
    const seconds = Math.max(1, Math.ceil((soonest.coolingUntil - now) / 1000))
    const code = soonest.coolingStatus === 429 ? 'upstream_rate_limited' : 'upstream_overloaded'
    throw new RouterError(code, undefined, { headers: { 'retry-after': String(seconds) } })
  }

  /** The endpoint (weight above 0) of `list` whose cool-down ends first, or `soonest` if sooner. */
  private soonestCooling(
    list: readonly EndpointCandidate[],
    now: number,
    soonest: EndpointLoad | undefined,
  ): EndpointLoad | undefined {
    for (const c of list) {
      if (c.weight <= 0) continue
      const load = this.stats.endpoint(c.target.name)
      if (
        now < load.coolingUntil &&
        (soonest === undefined || load.coolingUntil < soonest.coolingUntil)
      )
        soonest = load
    }
    return soonest
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

  /**
   * Every candidate is usable and available — the healthy path: the candidates are then the open
   * pool as they are, and no list is built per request.
   */
  private allOpen(
    candidates: readonly EndpointCandidate[],
    context: EndpointPickContext,
    now: number,
  ): boolean {
    for (const c of candidates) {
      if (!isUsable(c, context) || !this.isOpen(this.stats.endpoint(c.target.name), now))
        return false
    }
    return true
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

  /**
   * The cap on ejections is counted within the endpoint's priority level, and lifted while
   * another level has an available endpoint (a standby takes the traffic, so the pool cannot run
   * dry): two dead primaries are both ejected when a standby is healthy.
   */
  private mayEject(endpoint: string, model: string, now: number): boolean {
    const pool = this.pools.get(model) ?? []
    const level = pool.find((c) => c.target.name === endpoint)?.priority ?? 0
    let size = 0
    let ejected = 0
    for (const c of pool) {
      const load = this.stats.endpoint(c.target.name)
      if ((c.priority ?? 0) !== level) {
        if (c.weight > 0 && this.isOpen(load, now)) return true
        continue
      }
      size++
      if (c.target.name !== endpoint && now < load.ejectedUntil) ejected++
    }
    const allowed = Math.max(1, Math.floor((size * this.outliers.max_ejected_percent) / 100))
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

/**
 * The candidates of the lowest priority level present (Envoy's priority levels: a standby level
 * gets traffic only while nothing of the levels below is available). One level: `list` itself.
 */
export function lowestLevel(list: readonly EndpointCandidate[]): readonly EndpointCandidate[] {
  let min = list[0]?.priority ?? 0
  let mixed = false
  for (const c of list) {
    const p = c.priority ?? 0
    if (p !== min) {
      mixed = true
      if (p < min) min = p
    }
  }
  return mixed ? list.filter((c) => (c.priority ?? 0) === min) : list
}
