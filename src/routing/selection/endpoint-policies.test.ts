import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { observeTry } from '../../../test/helpers/endpoint-tries.js'
import { parseConfigText } from '../../config/load.js'
import { outlierDetectionSchema } from '../../config/schema/resilience.js'
import { createLogger } from '../../log.js'
import { EndpointStats } from '../../runtime/endpoint-stats.js'
import { toEndpointTarget } from '../endpoints.js'
import { leastRequestPolicy } from './least-request.js'
import { powerOfTwoPolicy } from './power-of-two.js'
import { randomPolicy } from './random.js'
import { ResilientPolicy } from './resilient-policy.js'
import type { EndpointCandidate, EndpointPolicy, SelectionBuildContext } from './types.js'
import { weightedRoundRobinPolicy } from './weighted-round-robin.js'

const candidate = (name: string, weight: number): EndpointCandidate => ({
  target: toEndpointTarget({
    name,
    address: '127.0.0.1',
    port: 8000,
    weight,
    protocol: 'http',
  } as never),
  weight,
})

const fleet = [candidate('a', 3), candidate('b', 1)]
const ctx = (stats = new EndpointStats()): SelectionBuildContext => ({
  config: parseConfigText('{}').config,
  log: createLogger({ level: 'silent' }),
  endpointStats: stats,
})

function shares(policy: EndpointPolicy, list: readonly EndpointCandidate[], n: number) {
  const counts = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const t = policy.pick(list, { model: 'm', requestId: String(i) })!
    counts.set(t.name, (counts.get(t.name) ?? 0) + 1)
  }
  return (name: string) => (counts.get(name) ?? 0) / n
}

describe('endpoint policies: a weight is a share of the model traffic', () => {
  it('weighted_round_robin: exactly 3:1, interleaved', () => {
    const p = weightedRoundRobinPolicy.create(ctx(), {})
    const order = Array.from(
      { length: 8 },
      (_, i) => p.pick(fleet, { model: 'm', requestId: String(i) })!.name,
    )
    assert.deepEqual(order, ['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a'])
  })

  it('random: shares follow the weights', () => {
    const share = shares(randomPolicy.create(ctx(), { seed: 7 }), fleet, 4000)
    assert.ok(Math.abs(share('a') - 0.75) < 0.03, String(share('a')))
  })

  it('power_of_two_choices: an evenly loaded fleet gets the weights’ shares', () => {
    const share = shares(powerOfTwoPolicy.create(ctx(), { tolerance: 0.15, seed: 3 }), fleet, 4000)
    assert.ok(Math.abs(share('a') - 0.75) < 0.03, String(share('a')))
  })

  it('power_of_two_choices: a slow replica of three gets a small share', () => {
    const stats = new EndpointStats()
    const three = [candidate('a', 1), candidate('b', 1), candidate('slow', 1)]
    for (const [name, seconds] of [
      ['a', 0.1],
      ['b', 0.1],
      ['slow', 1.5],
    ] as const) {
      stats.started(name, 'm')
      stats.finished(name, 'm', { latencySeconds: seconds, failed: false })
    }
    const share = shares(
      powerOfTwoPolicy.create(ctx(stats), { tolerance: 0.15, seed: 5 }),
      three,
      3000,
    )
    assert.ok(share('slow') < 0.15, String(share('slow')))
  })

  it('power_of_two_choices and least_request: in-flight requests push load away', () => {
    const stats = new EndpointStats()
    for (let i = 0; i < 10; i++) stats.started('a', 'm')
    const two = [candidate('a', 1), candidate('b', 1)]
    const p2c = shares(powerOfTwoPolicy.create(ctx(stats), { tolerance: 0.15, seed: 1 }), two, 1000)
    assert.ok(p2c('a') < 0.3, String(p2c('a')))
    const least = shares(leastRequestPolicy.create(ctx(stats), { seed: 1 }), two, 100)
    assert.equal(least('b'), 1)
  })

  it('every policy honours exclusions and weight 0', () => {
    for (const p of [
      weightedRoundRobinPolicy.create(ctx(), {}),
      randomPolicy.create(ctx(), {}),
      powerOfTwoPolicy.create(ctx(), { tolerance: 0.15 }),
      leastRequestPolicy.create(ctx(), {}),
    ]) {
      const share = shares(p, [candidate('a', 1), candidate('b', 0), candidate('c', 1)], 50)
      assert.equal(share('b'), 0, p.kind)
      const only = p.pick(fleet, { model: 'm', requestId: 'x', exclude: new Set(['a']) })
      assert.equal(only?.name, 'b', p.kind)
      assert.equal(
        p.pick(fleet, { model: 'm', requestId: 'y', exclude: new Set(['a', 'b']) }),
        undefined,
      )
    }
  })
})

describe('outlier detection (every policy)', () => {
  const setup = (percent = 50) => {
    let clock = 1_000
    const stats = new EndpointStats()
    const policy = new ResilientPolicy({
      policy: weightedRoundRobinPolicy.create(ctx(stats), {}),
      stats,
      outliers: outlierDetectionSchema.parse({
        consecutive_failures: 3,
        base_ejection_ms: 1_000,
        max_ejection_ms: 3_000,
        max_ejected_percent: percent,
      }),
      now: () => clock,
    })
    const three = [candidate('a', 1), candidate('b', 1), candidate('c', 1)]
    const pick = () => policy.pick(three, { model: 'm', requestId: 'r' })!.name
    const tryOn = (endpoint: string, status: number) => observeTry(policy, endpoint, status)
    return { stats, policy, pick, tryOn, advance: (ms: number) => (clock += ms) }
  }

  it('ejects after consecutive failures, for a backoff that grows; half-open recovery', () => {
    const { stats, pick, tryOn, advance } = setup()
    pick() // the model's pool becomes known
    tryOn('a', 503)
    tryOn('a', 200) // a success in between resets the count
    for (let i = 0; i < 3; i++) tryOn('a', 503)
    assert.equal(stats.endpoint('a').health(1_000), 'ejected')
    assert.ok(Array.from({ length: 20 }, pick).every((n) => n !== 'a'))
    advance(1_001)
    assert.equal(stats.endpoint('a').health(2_001), 'half_open')
    // Half-open: one failure ejects again at once, for twice as long.
    tryOn('a', 502)
    assert.equal(stats.endpoint('a').health(2_001), 'ejected')
    advance(1_500)
    assert.equal(stats.endpoint('a').health(3_501), 'ejected')
    advance(600)
    // Half-open again: a success makes it healthy, and the next ejection starts from the base.
    tryOn('a', 200)
    assert.equal(stats.endpoint('a').health(4_101), 'healthy')
    assert.ok(Array.from({ length: 6 }, pick).includes('a'))
    assert.equal(stats.endpoint('a').ejections, 2)
  })

  it('a half-open endpoint takes one probe at a time', () => {
    const { pick, tryOn, policy, advance } = setup()
    pick()
    for (let i = 0; i < 3; i++) tryOn('a', 503)
    advance(1_001)
    policy.observe({ kind: 'started', endpoint: 'a', model: 'm', requestId: 'probe' })
    assert.ok(Array.from({ length: 12 }, pick).every((n) => n !== 'a'))
  })

  it('caps the ejected share of a pool; with everything out it still picks (panic)', () => {
    const { stats, pick, tryOn } = setup(34)
    pick()
    for (const name of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) tryOn(name, 503)
    const ejected = ['a', 'b', 'c'].filter((n) => stats.endpoint(n).health(1_000) === 'ejected')
    assert.deepEqual(ejected, ['a'])
    const all = setup(100)
    all.pick()
    for (const name of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) all.tryOn(name, 503)
    assert.ok(['a', 'b', 'c'].includes(all.pick()))
  })

  it('429 and client cancellations do not count against an endpoint', () => {
    const { stats, pick, tryOn, policy } = setup()
    pick()
    for (let i = 0; i < 5; i++) tryOn('a', 429)
    for (let i = 0; i < 5; i++) observeTry(policy, 'a', 0, { error: 'cancellation' })
    assert.equal(stats.endpoint('a').health(1_000), 'healthy')
    assert.equal(stats.endpoint('a').inFlight, 0)
  })
})
