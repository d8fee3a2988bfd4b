/**
 * Retry-After as a cool-down in the endpoint health state: an endpoint that answered 429/503 with
 * Retry-After is not picked until then (bounded), independent of outlier ejection; when nothing
 * else is available the pick refuses with the upstream's status and the soonest end.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { observeTry } from '../../../test/helpers/endpoint-tries.js'
import { coolDownSchema, outlierDetectionSchema } from '../../config/schema/resilience.js'
import { RouterError } from '../../errors.js'
import { EndpointStats } from '../../runtime/endpoint-stats.js'
import { toEndpointTarget } from '../endpoints.js'
import { ResilientPolicy } from './resilient-policy.js'
import type { EndpointCandidate, EndpointPolicy } from './types.js'
import { usable } from './weighted.js'

const candidate = (name: string): EndpointCandidate => ({
  target: toEndpointTarget({ name, address: '127.0.0.1', port: 8000, protocol: 'http' } as never),
  weight: 1,
})

/** The first usable candidate: makes every pick predictable. */
const first: EndpointPolicy = {
  kind: 'first',
  pick: (candidates, context) => usable(candidates, context)[0]?.target,
}

function setup(coolDown: object = {}) {
  let clock = 10_000
  const stats = new EndpointStats()
  const policy = new ResilientPolicy({
    policy: first,
    stats,
    outliers: outlierDetectionSchema.parse({}),
    coolDown: coolDownSchema.parse(coolDown),
    now: () => clock,
  })
  const pool = [candidate('a'), candidate('b')]
  const pick = () => policy.pick(pool, { model: 'm', requestId: 'r' })?.name
  const answer = (endpoint: string, status: number, retryAfterMs?: number) =>
    observeTry(policy, endpoint, status, retryAfterMs === undefined ? {} : { retryAfterMs })
  return { stats, policy, pick, answer, advance: (ms: number) => (clock += ms) }
}

const refusal = (fn: () => unknown): RouterError => {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof RouterError)
    return err
  }
  assert.fail('expected the pick to refuse')
}

describe('Retry-After cool-down', () => {
  it('a 429 with Retry-After keeps the endpoint out until then; one failure does not eject', () => {
    const { stats, pick, answer, advance, policy } = setup()
    assert.equal(pick(), 'a')
    answer('a', 429, 2_000)
    assert.equal(stats.endpoint('a').health(10_000), 'cooling_down')
    assert.equal(stats.endpoint('a').ejections, 0)
    assert.equal(pick(), 'b')
    assert.ok(policy.available('m'))
    advance(2_001)
    assert.equal(pick(), 'a')
  })

  it('429/503 without Retry-After, or other statuses with it, do not cool down', () => {
    const { stats, answer } = setup()
    answer('a', 429)
    answer('a', 500, 5_000)
    answer('b', 200, 5_000)
    assert.equal(stats.endpoint('a').health(10_000), 'healthy')
    assert.equal(stats.endpoint('b').health(10_000), 'healthy')
  })

  it('is bounded by max_ms, and off when disabled', () => {
    const bounded = setup({ max_ms: 1_000 })
    bounded.answer('a', 503, 3_600_000)
    assert.equal(bounded.stats.endpoint('a').coolingUntil, 11_000)
    const off = setup({ enabled: false })
    off.answer('a', 503, 5_000)
    assert.equal(off.stats.endpoint('a').health(10_000), 'healthy')
  })

  it('everything cooling: refuses with the soonest end and the upstream status', () => {
    const { pick, answer, policy } = setup()
    pick() // the model's pool becomes known
    answer('a', 503, 30_000)
    answer('b', 429, 4_500)
    assert.equal(policy.available('m'), false)
    const err = refusal(pick)
    assert.equal(err.code, 'upstream_rate_limited')
    assert.equal(err.status, 429)
    assert.equal(err.headers['retry-after'], '5')
    const other = setup()
    other.answer('a', 503, 1_200)
    other.answer('b', 429, 9_000)
    const overloaded = refusal(other.pick)
    assert.equal(overloaded.code, 'upstream_overloaded')
    assert.equal(overloaded.status, 503)
    assert.equal(overloaded.headers['retry-after'], '2')
  })

  it('cooling or failed: still refuses; failed only (panic) still picks', () => {
    const { pick, answer } = setup()
    for (let i = 0; i < 3; i++) answer('b', 502)
    answer('a', 429, 3_000)
    assert.equal(refusal(pick).headers['retry-after'], '3')
    const panic = setup({ enabled: false })
    for (let i = 0; i < 3; i++) panic.answer('b', 502)
    panic.answer('a', 429, 3_000)
    assert.equal(panic.pick(), 'a')
  })

  it("the refusal's Retry-After is the soonest end over the other candidate models too", () => {
    const { policy, answer } = setup()
    const others = [candidate('c'), candidate('d')]
    answer('a', 429, 60_000)
    answer('b', 429, 40_000)
    answer('c', 503, 7_000) // another model's endpoint, free first
    answer('d', 429, 20_000)
    const pool = [candidate('a'), candidate('b')]
    const alone = refusal(() => policy.pick(pool, { model: 'm', requestId: 'r' }))
    assert.equal(alone.headers['retry-after'], '40')
    const err = refusal(() =>
      policy.pick(pool, { model: 'm', requestId: 'r', otherModels: () => [others] }),
    )
    assert.equal(err.headers['retry-after'], '7')
    assert.equal(err.code, 'upstream_overloaded', 'the status of c, whose cool-down ends first')
  })
})
