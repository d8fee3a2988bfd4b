import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleDecision } from '../../test/helpers/events.js'
import { TrafficStats } from './traffic-stats.js'

describe('console traffic stats', () => {
  it('counts a request in flight once, also when the gateway fails over to another model', () => {
    const stats = new TrafficStats()
    const at = Date.now()
    stats.started({ type: 'started', id: 'r1', at, model: 'small', endpoint: 'b' })
    assert.equal(stats.model('small', at, 60_000)?.inflight, 1)
    // The first model's endpoint failed; the pipeline decided anew for the same request.
    stats.started({ type: 'started', id: 'r1', at, model: 'big', endpoint: 'a' })
    assert.equal(stats.model('small', at, 60_000)?.inflight, 0)
    assert.equal(stats.endpoint('b', at, 60_000)?.inflight, 0)
    assert.equal(stats.model('big', at, 60_000)?.inflight, 1)
    const done = sampleDecision('r1', {
      selectedModel: 'big',
      upstreamModel: 'big',
      endpoint: { name: 'a', address: '127.0.0.1:1' },
    })
    stats.finished(done)
    const big = stats.model('big', done.at, 60_000)
    assert.equal(big?.inflight, 0)
    assert.equal(big?.requests, 1)
    assert.equal(stats.endpoint('a', done.at, 60_000)?.inflight, 0)
  })
})
