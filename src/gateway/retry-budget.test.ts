import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { retriesSchema } from '../config/schema/resilience.js'
import { parseRetryAfter } from '../http/retry-after.js'
import { backoffMs, isRetryableStatus, RetryBudget } from './retry-budget.js'

const config = (o: Record<string, unknown> = {}) => retriesSchema.parse(o)

describe('retry budget', () => {
  it('allows min_retries plus a share of the last 10 s of requests, then refuses', () => {
    let now = 0
    const budget = new RetryBudget(() => now)
    const c = config({ min_retries: 2, budget_percent: 20 })
    for (let i = 0; i < 10; i++) budget.request()
    // 2 + 20 % of 10 = 4 retries.
    assert.deepEqual(
      Array.from({ length: 6 }, () => budget.take(c)),
      [true, true, true, true, false, false],
    )
    // Ten seconds later the window has moved on: the minimum is back.
    now = 10_500
    assert.equal(budget.take(c), true)
    assert.equal(budget.take(c), true)
    assert.equal(budget.take(c), false)
  })

  it('retries 429 and 5xx only', () => {
    assert.deepEqual([200, 400, 404, 429, 500, 502, 503, 504].map(isRetryableStatus), [
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
    ])
  })

  it('backs off with full jitter, capped, and waits at least what Retry-After asks (capped)', () => {
    const c = config({ backoff_base_ms: 100, backoff_max_ms: 300, max_retry_after_ms: 2_000 })
    assert.equal(
      backoffMs(1, c, undefined, () => 0.5),
      50,
    )
    assert.equal(
      backoffMs(3, c, undefined, () => 0.999),
      299,
    ) // 400 capped at 300
    assert.equal(
      backoffMs(1, c, '1', () => 0),
      1_000,
    )
    assert.equal(
      backoffMs(1, c, '30', () => 0),
      2_000,
    )
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
      10_000,
    )
    assert.equal(parseRetryAfter('soon'), undefined)
  })
})
