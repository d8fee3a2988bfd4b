/**
 * Priority levels (`vllm_endpoints[].priority`) under every registered endpoint policy: a standby
 * gets nothing while a primary is available, everything while every primary is out, and the
 * primary gets traffic back after its half-open probe succeeds.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { observeTry } from '../../../test/helpers/endpoint-tries.js'
import { parseConfigText } from '../../config/load.js'
import { outlierDetectionSchema } from '../../config/schema/resilience.js'
import { createLogger } from '../../log.js'
import { EndpointStats } from '../../runtime/endpoint-stats.js'
import { toEndpointTarget } from '../endpoints.js'
import { BUILTIN_ENDPOINT_POLICIES } from './registry.js'
import { lowestLevel, ResilientPolicy } from './resilient-policy.js'
import type { EndpointCandidate } from './types.js'

const candidate = (name: string, weight: number, priority: number): EndpointCandidate => ({
  target: toEndpointTarget({ name, address: '127.0.0.1', port: 8000, protocol: 'http' } as never),
  weight,
  priority,
})

// Two primaries (3:1) and a heavier standby: the weight must not pull traffic across levels.
const fleet = [candidate('p1', 3, 0), candidate('p2', 1, 0), candidate('standby', 9, 1)]

const closers: (() => Promise<void>)[] = []
after(async () => {
  await Promise.all(closers.map((c) => c()))
})

function setup(kind: string) {
  let clock = 1_000
  const stats = new EndpointStats()
  const plugin = BUILTIN_ENDPOINT_POLICIES.get(kind)!
  const inner = plugin.create(
    {
      config: parseConfigText('{}').config,
      log: createLogger({ level: 'silent' }),
      endpointStats: stats,
    },
    plugin.optionsSchema.parse({}),
  )
  const policy = new ResilientPolicy({
    policy: inner,
    stats,
    outliers: outlierDetectionSchema.parse({ base_ejection_ms: 1_000 }),
    now: () => clock,
  })
  closers.push(() => policy.close())
  const pick = (exclude?: ReadonlySet<string>) =>
    policy.pick(fleet, { model: 'm', requestId: 'r', ...(exclude ? { exclude } : {}) })!.name
  const tryOn = (endpoint: string, status: number) => observeTry(policy, endpoint, status)
  const count = (n: number) => {
    const seen = new Map<string, number>()
    for (let i = 0; i < n; i++) {
      const name = pick()
      seen.set(name, (seen.get(name) ?? 0) + 1)
    }
    return (name: string) => seen.get(name) ?? 0
  }
  return { stats, pick, tryOn, count, advance: (ms: number) => (clock += ms), policy }
}

describe('priority levels (every endpoint policy)', () => {
  for (const kind of BUILTIN_ENDPOINT_POLICIES.kinds()) {
    it(`${kind}: standby only while every primary is out; primaries back after half-open`, () => {
      const { stats, pick, tryOn, count, advance } = setup(kind)
      const healthy = count(200)
      assert.equal(healthy('standby'), 0, 'a standby got traffic while the primaries were healthy')
      assert.equal(healthy('p1') + healthy('p2'), 200)
      // Within one request: once the primaries were tried, the retry goes to the standby.
      assert.equal(pick(new Set(['p1', 'p2'])), 'standby')
      // One primary dead: the other primary takes it all, the standby still nothing.
      for (let i = 0; i < 3; i++) tryOn('p1', 503)
      assert.equal(stats.endpoint('p1').health(1_000), 'ejected')
      const one = count(50)
      assert.equal(one('p2'), 50)
      // Both dead: both ejected although that is 100 % of the level (the standby takes over).
      for (let i = 0; i < 3; i++) tryOn('p2', 503)
      assert.equal(stats.endpoint('p2').health(1_000), 'ejected')
      assert.equal(count(50)('standby'), 50)
      // Ejections over: half-open primaries get a probe each, then traffic once it succeeded.
      advance(1_001)
      const probe = pick()
      assert.notEqual(probe, 'standby')
      tryOn(probe, 200)
      tryOn(probe === 'p1' ? 'p2' : 'p1', 200)
      const back = count(100)
      assert.equal(back('standby'), 0)
    })
  }

  it('panic mode (every level out) still prefers the primary level', () => {
    const { pick, tryOn } = setup('weighted_round_robin')
    pick()
    for (const name of ['p1', 'p2', 'standby']) for (let i = 0; i < 3; i++) tryOn(name, 503)
    assert.ok(Array.from({ length: 10 }, () => pick()).every((n) => n !== 'standby'))
  })

  it('lowestLevel returns the list itself when there is one level (no copy on the common path)', () => {
    const one = [candidate('a', 1, 0), candidate('b', 1, 0)]
    assert.equal(lowestLevel(one), one)
    assert.deepEqual(
      lowestLevel([candidate('s', 1, 2), candidate('a', 1, 1)]).map((c) => c.target.name),
      ['a'],
    )
  })
})
