import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FlowWindow, flowSource } from '../../src/console/flow-window.js'
import type { DecisionEvent } from '../../src/runtime/events.js'
import { sampleDecision } from '../helpers/events.js'

const e = (extra: Partial<DecisionEvent>): DecisionEvent => sampleDecision('r', extra)

describe('FlowWindow', () => {
  it('counts paths, with blocks and cache hits as their own paths', () => {
    const w = new FlowWindow(15)
    const t = 1_000_000
    w.add(e({}), t)
    w.add(e({}), t + 1)
    w.add(e({ status: 502, error: 'upstream_unavailable' }), t + 2)
    w.add(e({ outcome: 'jailbreak_block', category: '' }), t + 3)
    w.add(e({ outcome: 'cache_hit', endpoint: undefined }), t + 4)
    const paths = w.snapshot(t + 5)
    assert.deepEqual(paths[0], {
      source: 'math',
      model: 'm1',
      endpoint: 'e1',
      outcome: 'forwarded',
      count: 3,
      errors: 1,
    })
    assert.deepEqual(
      paths.slice(1).map((p) => [p.source, p.model, p.outcome]),
      [
        ['(no category)', '', 'jailbreak_block'],
        ['math', '', 'cache_hit'],
      ],
    )
  })

  it('forgets traffic older than the window', () => {
    const w = new FlowWindow(1)
    w.add(e({}), 0)
    w.add(e({}), 30_000)
    assert.equal(w.snapshot(30_000)[0]?.count, 2)
    assert.equal(w.snapshot(75_000)[0]?.count, 1, 'the bucket at 0 left the window')
    assert.deepEqual(w.snapshot(200_000), [])
    assert.equal(w.since(200_000), 200_000)
  })

  it('names the source by decision, category, or why there is none', () => {
    assert.equal(flowSource(e({ decision: 'urgent_math' })), 'decision: urgent_math')
    assert.equal(flowSource(e({})), 'math')
    assert.equal(flowSource(e({ category: '' })), '(no category)')
    assert.equal(flowSource(e({ category: '', autoRouted: false })), '(model named by client)')
    assert.equal(flowSource(e({ outcome: 'rejected', autoRouted: false })), '(refused)')
  })
})
