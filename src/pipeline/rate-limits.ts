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
 * `limits_unavailable`.
 */
import type { SecurityConfig } from '../config/schema/security.js'
import { RouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import type { CounterIncrement, CounterValue, StateStore } from '../state/types.js'
import type { CallerIdentity } from './caller.js'
import { costOf } from './response-tracker.js'
import {
  PLUGIN_API_VERSION,
  type PipelineModule,
  type RequestContext,
  type ResponseRecord,
} from './types.js'

type RateLimitConfig = SecurityConfig['rate_limits']

const MINUTE_MS = 60_000

/** Whom a request counts against, and the limits that apply to it. */
interface Subject {
  readonly id: string
  readonly requestsPerMinute: number
  readonly tokensPerMinute: number
  readonly budget: number
}

export class RateLimiter implements PipelineModule {
  readonly name = 'rate_limits'
  readonly apiVersion = PLUGIN_API_VERSION
  private readonly config: RateLimitConfig
  private readonly store: StateStore
  private readonly log: Logger

  constructor(config: RateLimitConfig, store: StateStore, log: Logger) {
    this.config = config
    this.store = store
    this.log = log
  }

  /**
   * Refuse (throws RouterError 429/503) or let the request through, counting it. Every limit of
   * the subject is read (and the request counted) in one store call: one round trip to Redis.
   */
  async admit(ctx: RequestContext): Promise<void> {
    const subject = this.subject(ctx.meta.caller)
    if (subject === undefined) return
    const checks: {
      increment: CounterIncrement
      refused: (n: CounterValue) => RouterError | undefined
    }[] = []
    if (subject.requestsPerMinute > 0)
      checks.push({
        increment: { key: `rl:req:${subject.id}`, by: 1, ttlMs: MINUTE_MS },
        refused: (n) =>
          n.value > subject.requestsPerMinute ? refusal('rate_limit_exceeded', n.ttlMs) : undefined,
      })
    if (subject.tokensPerMinute > 0)
      checks.push({
        increment: { key: `rl:tok:${subject.id}`, by: 0, ttlMs: MINUTE_MS },
        refused: (n) =>
          n.value >= subject.tokensPerMinute ? refusal('rate_limit_exceeded', n.ttlMs) : undefined,
      })
    if (subject.budget > 0) {
      const period = budgetPeriod(this.config.budget_period, Date.now())
      checks.push({
        increment: { key: `rl:cost:${subject.id}:${period.id}`, by: 0, ttlMs: period.ttlMs },
        refused: (n) =>
          n.value >= subject.budget ? refusal('budget_exceeded', period.ttlMs) : undefined,
      })
    }
    try {
      const values = await this.store.incrementMany(checks.map((c) => c.increment))
      for (const [i, check] of checks.entries()) {
        const refused = check.refused(values[i]!)
        if (refused) throw refused
      }
    } catch (err) {
      if (err instanceof RouterError) throw err
      logEvent(
        this.log,
        'rate_limit_store_error',
        { error: (err as Error).message, on_store_error: this.config.on_store_error },
        'error',
      )
      if (this.config.on_store_error === 'deny')
        throw new RouterError('limits_unavailable', undefined, { cause: err })
    }
  }

  /** The upstream's answer ended: add its tokens and cost to the subject's counters. */
  async onResponse(ctx: RequestContext, record: ResponseRecord): Promise<void> {
    const subject = this.subject(ctx.meta.caller)
    const usage = record.usage ?? record.assembled?.usage
    if (subject === undefined || usage === undefined) return
    const writes: CounterIncrement[] = []
    const tokens = usage.prompt_tokens + usage.completion_tokens
    if (subject.tokensPerMinute > 0 && tokens > 0)
      writes.push({ key: `rl:tok:${subject.id}`, by: tokens, ttlMs: MINUTE_MS })
    const cost = costOf(ctx, usage)
    if (subject.budget > 0 && cost.priced && cost.cost > 0) {
      const period = budgetPeriod(this.config.budget_period, Date.now())
      writes.push({ key: `rl:cost:${subject.id}:${period.id}`, by: cost.cost, ttlMs: period.ttlMs })
    }
    if (writes.length > 0) await this.store.incrementMany(writes)
  }

  private subject(caller: CallerIdentity | undefined): Subject | undefined {
    const who = caller ?? { principal: 'anonymous', admin: false, source: 'anonymous' as const }
    const byTenant = this.config.scope === 'tenant' && who.tenant !== undefined
    const id = byTenant ? `tenant:${who.tenant}` : who.principal
    const override =
      (byTenant ? this.config.overrides[who.tenant] : undefined) ??
      (who.keyId === undefined ? undefined : this.config.overrides[who.keyId]) ??
      {}
    const subject = {
      id,
      requestsPerMinute: override.requests_per_minute ?? this.config.requests_per_minute,
      tokensPerMinute: override.tokens_per_minute ?? this.config.tokens_per_minute,
      budget: override.budget ?? this.config.budget,
    }
    const limited = subject.requestsPerMinute + subject.tokensPerMinute + subject.budget > 0
    return limited ? subject : undefined
  }
}

function refusal(
  code: 'rate_limit_exceeded' | 'budget_exceeded',
  ttlMs: number | undefined,
): RouterError {
  const seconds = Math.max(1, Math.ceil((ttlMs ?? MINUTE_MS) / 1000))
  return new RouterError(code, undefined, { headers: { 'retry-after': String(seconds) } })
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
