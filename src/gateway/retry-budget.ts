/**
 * What decides whether a failed try is tried again, and after how long: which statuses are worth
 * another endpoint (429 and 5xx), a retry budget so a fleet-wide outage is not multiplied by the
 * router's retries (retries may add at most `budget_percent` of the requests of the last 10 s, plus
 * `min_retries` so a quiet router still fails over), and a jittered exponential backoff that
 * honours the endpoint's `Retry-After` when the same endpoint is tried again.
 */
import type { RetriesConfig } from '../config/schema/resilience.js'
import { parseRetryAfter } from '../http/retry-after.js'

/** Statuses the next endpoint may answer better (overload, outage, gateway errors). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500
}

const WINDOW_BUCKETS = 10
const BUCKET_MS = 1_000

/** Requests and retries of the last 10 s, in one-second buckets. */
export class RetryBudget {
  private readonly requests = new Array<number>(WINDOW_BUCKETS).fill(0)
  private readonly retries = new Array<number>(WINDOW_BUCKETS).fill(0)
  private bucket = 0
  private bucketStart: number
  private readonly now: () => number

  constructor(now: () => number = () => performance.now()) {
    this.now = now
    this.bucketStart = now()
  }

  /** A request arrived (its first try). */
  request(): void {
    this.advance()
    this.requests[this.bucket]!++
  }

  /** Whether one more retry fits the budget; when it does, it is counted. */
  take(config: RetriesConfig): boolean {
    this.advance()
    const requests = sum(this.requests)
    const retries = sum(this.retries)
    const allowed = config.min_retries + (requests * config.budget_percent) / 100
    if (retries + 1 > allowed) return false
    this.retries[this.bucket]!++
    return true
  }

  private advance(): void {
    const now = this.now()
    let steps = Math.floor((now - this.bucketStart) / BUCKET_MS)
    if (steps <= 0) return
    this.bucketStart += steps * BUCKET_MS
    steps = Math.min(steps, WINDOW_BUCKETS)
    for (let i = 0; i < steps; i++) {
      this.bucket = (this.bucket + 1) % WINDOW_BUCKETS
      this.requests[this.bucket] = 0
      this.retries[this.bucket] = 0
    }
  }
}

function sum(values: readonly number[]): number {
  let total = 0
  for (const v of values) total += v
  return total
}

/**
 * Milliseconds to wait before retry number `retry` (1 = the first retry): "full jitter" — a random
 * share of base × 2^(retry-1), capped — and, when the same endpoint is tried again, at least what
 * its `Retry-After` asked (capped at `max_retry_after_ms`).
 */
export function backoffMs(
  retry: number,
  config: RetriesConfig,
  retryAfter: string | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(config.backoff_max_ms, config.backoff_base_ms * 2 ** (retry - 1))
  const jittered = Math.floor(random() * ceiling)
  const asked = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter)
  if (asked === undefined) return jittered
  return Math.max(jittered, Math.min(asked, config.max_retry_after_ms))
}
