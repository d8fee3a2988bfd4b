/**
 * Rate limits and spend budgets per API key or tenant (`security.rate_limits`), for both
 * transports: the pipeline asks `admit` before any module runs and the response tracker reports
 * the upstream's usage back through `onResponse`. Counters live in the shared state store
 * (src/state): in memory for one process, in Redis when replicas must agree.
 *
 * - requests per minute: one fixed 60 s window per subject, counted on admission;
 * - tokens per minute: prompt + completion tokens from the upstream's `usage` (streams included:
 *   the router asks for stream usage), added when the answer ends; a subject whose window is used
 *   up is refused until it resets;
 * - budget: spend from `model_config.<model>.pricing` per calendar hour / day / month (UTC).
 *
 * A refusal is 429 `rate_limit_exceeded` / `budget_exceeded` with `Retry-After` (seconds until the
 * window or period ends). When the store fails, `on_store_error` decides: `allow` (logged) or 503
 * `limits_unavailable`. A request the store can no longer count because it is closed (shutdown)
 * is refused 503 `limits_unavailable` either way. A limiter closed by a reload still counts in the
 * store, which outlives it and which the new runtime's limiter reads.
 */
import type { SecurityConfig } from '../config/schema/security.js'
import { RouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import { StateStoreClosedError, type StateStore } from '../state/types.js'
import { ANONYMOUS, type CallerIdentity } from './caller.js'
import {
  ExactCounts,
  rememberCaller,
  type LimitCounts,
  type Period,
  type Subject,
} from './rate-limit-counts.js'
import { LeasedCounts } from './rate-limit-leases.js'
import { costOf } from './response-tracker.js'
import {
  PLUGIN_API_VERSION,
  type PipelineModule,
  type RequestContext,
  type ResponseRecord,
} from './types.js'

type RateLimitConfig = SecurityConfig['rate_limits']

export class RateLimiter implements PipelineModule {
  readonly name = 'rate_limits'
  readonly apiVersion = PLUGIN_API_VERSION
  private readonly config: RateLimitConfig
  private readonly log: Logger
  private readonly counts: LimitCounts
  private readonly subjects = new Map<string, Subject>()
  private period: Period = { id: '', end: 0 }

  constructor(config: RateLimitConfig, store: StateStore, log: Logger) {
    this.config = config
    this.log = log
    // A store that answers without I/O is counted exactly; a shared one (Redis) by leases unless
    // the config asks for a round trip per request.
    this.counts =
      store.incrementManyNow !== undefined || config.sync.mode === 'exact'
        ? new ExactCounts(store)
        : new LeasedCounts(store, config.sync, config.on_store_error, (err, during) =>
            this.storeFailed(err, during),
          )
  }

  /**
   * Refuse (throws RouterError 429/503) or let the request through, counting it. Synchronous
   * (returns undefined) when nothing needs the store's answer: the memory store, or a lease with
   * room left; otherwise a promise.
   */
  admit(ctx: RequestContext): void | Promise<void> {
    const now = Date.now()
    const period = this.currentPeriod(now)
    const subject = this.subject(ctx.meta.caller, period)
    if (subject === undefined) return
    try {
      const pending = this.counts.admit(subject, period, now)
      if (pending !== undefined) return pending.catch((err: unknown) => this.onStoreError(err))
    } catch (err) {
      this.onStoreError(err)
    }
  }

  /** The upstream's answer ended: add its tokens and cost to the subject's counters. */
  onResponse(ctx: RequestContext, record: ResponseRecord): void | Promise<void> {
    const usage = record.usage ?? record.assembled?.usage
    if (usage === undefined) return
    const period = this.currentPeriod(Date.now())
    const subject = this.subject(ctx.meta.caller, period)
    if (subject === undefined) return
    const tokens = subject.tokensPerMinute > 0 ? usage.prompt_tokens + usage.completion_tokens : 0
    let cost = 0
    if (subject.budget > 0) {
      const priced = costOf(ctx, usage)
      if (priced.priced) cost = priced.cost
    }
    if (tokens <= 0 && cost <= 0) return
    return this.counts.add(subject, period, tokens, cost)
  }

  close(): Promise<void> {
    return this.counts.close()
  }

  /**
   * A store failure while admitting: `on_store_error` decides (the refusal itself passes). A
   * closed store is no outage: the router is shutting down and this request reached admission
   * after its state was closed (a forced shutdown). `allow` keeps serving through an outage and
   * sends the usage once the store is back; here nothing would ever count the request, so it is
   * refused as under `deny` (503, retryable: the client's retry reaches a replica that counts it).
   */
  private onStoreError(err: unknown): void {
    if (err instanceof RouterError) throw err
    if (err instanceof StateStoreClosedError)
      throw new RouterError(
        'limits_unavailable',
        'The router is shutting down: rate limits cannot be checked here',
        { cause: err },
      )
    this.storeFailed(err as Error, 'admit')
    if (this.config.on_store_error === 'deny')
      throw new RouterError('limits_unavailable', undefined, { cause: err })
  }

  private storeFailed(err: Error, during: string): void {
    logEvent(
      this.log,
      'rate_limit_store_error',
      { error: err.message, during, on_store_error: this.config.on_store_error },
      'error',
    )
  }

  private currentPeriod(now: number): Period {
    if (now >= this.period.end) {
      const { id, ttlMs } = budgetPeriod(this.config.budget_period, now)
      this.period = { id, end: now + ttlMs }
    }
    return this.period
  }

  /** The caller's subject, remembered with its keys; undefined when no limit applies to it. */
  private subject(caller: CallerIdentity | undefined, period: Period): Subject | undefined {
    const who = caller ?? ANONYMOUS
    const byTenant = this.config.scope === 'tenant' && who.tenant !== undefined
    const id = byTenant ? `tenant:${who.tenant}` : who.principal
    let subject = this.subjects.get(id)
    if (subject === undefined) {
      subject = rememberCaller(this.subjects, id, {
        id,
        keyId: undefined,
        requestsPerMinute: 0,
        tokensPerMinute: 0,
        budget: 0,
        requestKey: `rl:req:${id}`,
        tokenKey: `rl:tok:${id}`,
        costKey: '',
        costPeriodId: '',
      })
      this.applyLimits(subject, who.keyId, byTenant ? who.tenant : undefined)
    } else if (subject.keyId !== who.keyId) {
      // Another key of the same tenant: its own override may apply (the counters stay shared).
      this.applyLimits(subject, who.keyId, byTenant ? who.tenant : undefined)
    }
    if (subject.requestsPerMinute + subject.tokensPerMinute + subject.budget <= 0) return undefined
    if (subject.budget > 0 && subject.costPeriodId !== period.id) {
      subject.costKey = `rl:cost:${id}:${period.id}`
      subject.costPeriodId = period.id
    }
    return subject
  }

  private applyLimits(subject: Subject, keyId: string | undefined, tenant: string | undefined) {
    const override =
      (tenant === undefined ? undefined : this.config.overrides[tenant]) ??
      (keyId === undefined ? undefined : this.config.overrides[keyId]) ??
      {}
    subject.keyId = keyId
    subject.requestsPerMinute = override.requests_per_minute ?? this.config.requests_per_minute
    subject.tokensPerMinute = override.tokens_per_minute ?? this.config.tokens_per_minute
    subject.budget = override.budget ?? this.config.budget
  }
}

/** The calendar period (UTC) `now` falls in: an id for its counter and the time until it ends. */
export function budgetPeriod(
  period: RateLimitConfig['budget_period'],
  now: number,
): { id: string; ttlMs: number } {
  const d = new Date(now)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  const day = d.getUTCDate()
  const [start, end] =
    period === 'hour'
      ? [Date.UTC(y, m, day, d.getUTCHours()), Date.UTC(y, m, day, d.getUTCHours() + 1)]
      : period === 'day'
        ? [Date.UTC(y, m, day), Date.UTC(y, m, day + 1)]
        : [Date.UTC(y, m), Date.UTC(y, m + 1)]
  return { id: `${period}-${start}`, ttlMs: Math.max(1, end - now) }
}
