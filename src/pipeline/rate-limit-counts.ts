/**
 * How the rate limiter counts (rate-limits.ts decides whom and how much): the subjects it counts
 * for, and the exact way — every request and every answer go to the state store at once. With the
 * in-memory store that is a synchronous call (no promise, no closure per request); with Redis it is
 * one round trip before the request and one after the answer (`sync.mode: exact`). The default for
 * Redis is leases (rate-limit-leases.ts), which take those round trips off the request path.
 */
import { RouterError } from '../errors.js'
import type { CounterIncrement, CounterValue, StateStore } from '../state/types.js'

export const MINUTE_MS = 60_000

/** Whom a request counts against, its limits, and its counters' keys (built once per subject). */
export interface Subject {
  readonly id: string
  /** The API key whose override was applied (a tenant's keys may differ; see RateLimiter). */
  keyId: string | undefined
  requestsPerMinute: number
  tokensPerMinute: number
  budget: number
  readonly requestKey: string
  readonly tokenKey: string
  /** The budget counter of the current period (rebuilt when the period changes). */
  costKey: string
  costPeriodId: string
}

/** The budget period a request falls in (one object per period, not per request). */
export interface Period {
  readonly id: string
  /** Date.now() at which it ends. */
  readonly end: number
}

/** One way of counting; both answer synchronously when they need not wait for the store. */
export interface LimitCounts {
  /** Count a request; throws the RouterError refusing it, or an Error from the store. */
  admit(subject: Subject, period: Period, now: number): void | Promise<void>
  /** Add an answer's tokens and spend (either may be 0). */
  add(subject: Subject, period: Period, tokens: number, cost: number): void | Promise<void>
  close(): Promise<void>
}

/** Callers remembered by the limiter: past this, the oldest is forgotten (see rememberCaller). */
export const MAX_CALLERS = 10_000

/**
 * Remember `value` under `key`, forgetting the oldest entry when the map is full: per-caller state
 * stays bounded whoever calls (without auth, callers are hashes of any Authorization header).
 */
export function rememberCaller<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MAX_CALLERS) {
    const oldest = map.keys().next().value
    if (oldest !== undefined) map.delete(oldest)
  }
  map.set(key, value)
  return value
}

export function refusal(
  code: 'rate_limit_exceeded' | 'budget_exceeded',
  ttlMs: number | undefined,
): RouterError {
  const seconds = Math.max(1, Math.ceil((ttlMs ?? MINUTE_MS) / 1000))
  return new RouterError(code, undefined, { headers: { 'retry-after': String(seconds) } })
}

/** Every counter in the store, updated at once (memory: synchronously; Redis: one round trip). */
export class ExactCounts implements LimitCounts {
  private readonly store: StateStore

  constructor(store: StateStore) {
    this.store = store
  }

  admit(subject: Subject, period: Period, now: number): void | Promise<void> {
    const increments: CounterIncrement[] = []
    if (subject.requestsPerMinute > 0)
      increments.push({ key: subject.requestKey, by: 1, ttlMs: MINUTE_MS })
    if (subject.tokensPerMinute > 0)
      increments.push({ key: subject.tokenKey, by: 0, ttlMs: MINUTE_MS })
    if (subject.budget > 0)
      increments.push({ key: subject.costKey, by: 0, ttlMs: Math.max(1, period.end - now) })
    if (this.store.incrementManyNow) {
      check(subject, period, now, this.store.incrementManyNow(increments))
      return
    }
    return this.store
      .incrementMany(increments)
      .then((values) => check(subject, period, now, values))
  }

  add(subject: Subject, period: Period, tokens: number, cost: number): void | Promise<void> {
    const increments: CounterIncrement[] = []
    if (subject.tokensPerMinute > 0 && tokens > 0)
      increments.push({ key: subject.tokenKey, by: tokens, ttlMs: MINUTE_MS })
    if (subject.budget > 0 && cost > 0)
      increments.push({
        key: subject.costKey,
        by: cost,
        ttlMs: Math.max(1, period.end - Date.now()),
      })
    if (increments.length === 0) return
    if (this.store.incrementManyNow) {
      this.store.incrementManyNow(increments)
      return
    }
    return this.store.incrementMany(increments).then(() => undefined)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** Throw the refusal the counters' values call for (in the order admit asked for them). */
function check(subject: Subject, period: Period, now: number, values: CounterValue[]): void {
  let i = 0
  if (subject.requestsPerMinute > 0) {
    const n = values[i++]!
    if (n.value > subject.requestsPerMinute) throw refusal('rate_limit_exceeded', n.ttlMs)
  }
  if (subject.tokensPerMinute > 0) {
    const n = values[i++]!
    if (n.value >= subject.tokensPerMinute) throw refusal('rate_limit_exceeded', n.ttlMs)
  }
  if (subject.budget > 0 && values[i]!.value >= subject.budget)
    throw refusal('budget_exceeded', period.end - now)
}
