/**
 * The per-request trade-off knob: parsing (presets, keys, errors), and end to end through the
 * gateway — the header and the body field move a multi_factor decision's choice, within the
 * decision's bounds, and neither reaches the upstream.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it, test } from 'node:test'
import {
  parsePreferenceBody,
  parsePreferenceHeader,
} from '../../src/routing/selection/preference.js'
import type { Simulator } from '../../src/simulator/index.js'
import { forwardToDestination } from '../helpers/envoy.js'
import { startRouter, startSim, useBothTransports, type TestRouter } from '../helpers/router.js'

test('header and body forms', () => {
  assert.deepEqual(parsePreferenceHeader('cheaper'), { costWeight: 0.8 })
  assert.deepEqual(parsePreferenceHeader('best; max_cost=0.01'), { costWeight: 0, maxCost: 0.01 })
  assert.deepEqual(parsePreferenceHeader('mode=faster, cost_weight=0.3'), {
    latencyWeight: 0.7,
    costWeight: 0.3,
  })
  assert.deepEqual(parsePreferenceBody('cheapest'), { costWeight: 1 })
  assert.deepEqual(parsePreferenceBody({ mode: 'balanced', max_cost: 2 }), {
    costWeight: 0.5,
    maxCost: 2,
  })
  assert.throws(() => parsePreferenceHeader('frugal'), /unknown preset "frugal"/)
  assert.throws(() => parsePreferenceHeader('cost_weight=2'), /cost_weight must be ≤ 1/)
  assert.throws(() => parsePreferenceBody({ cost_weight: 'x' }), /must be a number/)
  assert.throws(() => parsePreferenceBody({ budget: 1 }), /unknown key "budget"/)
  assert.throws(() => parsePreferenceBody([1]), /preset name or an object/)
})

describe('the knob through the gateway', () => {
  let sim: Simulator
  let router: TestRouter
  const yaml = (port: number) => `
version: v0.3
providers:
  defaults: { default_model: cheap }
  models:
    - { name: dear, pricing: { prompt_per_1m: 10, completion_per_1m: 30 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }
    - { name: cheap, pricing: { prompt_per_1m: 0.1, completion_per_1m: 0.2 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }
routing:
  modelCards: [{ name: dear }, { name: cheap }]
  signals:
    keywords: [{ name: capped, operator: OR, keywords: [capped] }]
  decisions:
    - name: capped
      priority: 2
      rules: { type: keyword, name: capped }
      modelRefs: [{ model: dear }, { model: cheap }]
      algorithm:
        type: multi_factor
        multi_factor:
          weights: { quality: 1, latency: 0, cost: 0, load: 0 }
          request_preference: { max_cost_weight: 0 }
    - name: open
      priority: 1
      modelRefs: [{ model: dear }, { model: cheap }]
      algorithm:
        type: multi_factor
        multi_factor: { weights: { quality: 1, latency: 0, cost: 0, load: 0 } }
`
  before(async () => {
    sim = await startSim({ models: ['dear', 'cheap'] })
    router = await startRouter(yaml(sim.port))
  })
  after(async () => {
    await router?.close()
    await sim?.close()
  })

  async function send(content: string, headers: Record<string, string>, extra = {}) {
    const res = await fetch(`${router.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content }], ...extra }),
    })
    await res.arrayBuffer()
    return { status: res.status, model: res.headers.get('x-vsr-selected-model') }
  }

  test('the header and the body field steer within the decision, and are not forwarded', async () => {
    // Equal quality scores: the first candidate (dear) wins without a preference.
    assert.equal((await send('hello', {})).model, 'dear')
    assert.equal((await send('hello', { 'x-vsr-preference': 'cheaper' })).model, 'cheap')
    assert.equal((await send('hello', {}, { vsr_preference: { mode: 'cheapest' } })).model, 'cheap')
    // The capped decision clamps the cost weight to 0: the request cannot make it cheaper.
    assert.equal((await send('capped hello', { 'x-vsr-preference': 'cheapest' })).model, 'dear')
    const seen = sim.received()
    assert.ok(seen.length >= 4)
    for (const r of seen) {
      assert.equal(r.headers['x-vsr-preference'], undefined)
      assert.ok(!r.bodyText.includes('vsr_preference'), r.bodyText)
    }
    const bad = await send('hello', { 'x-vsr-preference': 'frugal' })
    assert.equal(bad.status, 400)
  })
})

describe('the knob through ext_proc (Envoy played by the test client)', () => {
  const both = useBothTransports(['dear', 'cheap'], (port) =>
    [
      'version: v0.3',
      'providers:',
      '  defaults: { default_model: cheap }',
      '  models:',
      `    - { name: dear, pricing: { prompt_per_1m: 10, completion_per_1m: 30 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }`,
      `    - { name: cheap, pricing: { prompt_per_1m: 0.1, completion_per_1m: 0.2 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${port}" }] }`,
      'routing:',
      '  modelCards: [{ name: dear }, { name: cheap }]',
      '  decisions:',
      '    - name: open',
      '      modelRefs: [{ model: dear }, { model: cheap }]',
      '      algorithm:',
      '        type: multi_factor',
      '        multi_factor: { weights: { quality: 1, latency: 0, cost: 0, load: 0 } }',
    ].join('\n'),
  )

  it('chooses as the gateway does, and neither the header nor the body field goes upstream', async () => {
    const body = JSON.stringify({
      model: 'MoM',
      messages: [{ role: 'user', content: 'hello' }],
      vsr_preference: { mode: 'best' },
    })
    const headers = { 'content-type': 'application/json', 'x-vsr-preference': 'cheapest' }
    const plain = await both.envoy.exchange(
      {
        body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hi' }] }),
        headers: { 'content-type': 'application/json' },
      },
      forwardToDestination,
    )
    assert.equal(plain.headers['x-vsr-selected-model'], 'dear')
    const cheap = await both.envoy.exchange(
      {
        body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hi' }] }),
        headers,
      },
      forwardToDestination,
    )
    assert.equal(cheap.headers['x-vsr-selected-model'], 'cheap')
    assert.equal(cheap.upstreamRequest?.headers['x-vsr-preference'], undefined)
    // The body's preference overrides the header's, and is removed from the body sent upstream.
    const best = await both.envoy.exchange({ body, headers }, forwardToDestination)
    assert.equal(best.headers['x-vsr-selected-model'], 'dear')
    assert.equal(best.upstreamRequest?.headers['x-vsr-preference'], undefined)
    assert.ok(!best.upstreamRequest!.body.toString().includes('vsr_preference'))
  })
})
