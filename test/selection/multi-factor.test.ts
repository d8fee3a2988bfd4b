/**
 * multi_factor's SLO filters: it never picks a model whose measured latency violates the SLO while
 * an alternative meets it — checked on 2,000 random situations (measured TTFT / TPOT, prices,
 * quality, load) and end to end, through the gateway, on simulated models whose real TTFT differ.
 * Also latency_aware on measurements, and the per-request trade-off moving the choice.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import { silentLogger } from '../../src/log.js'
import { Learning } from '../../src/routing/selection/learning.js'
import { EndpointStats } from '../../src/runtime/endpoint-stats.js'
import { ModelLiveStats } from '../../src/routing/selection/live-stats.js'
import { BUILTIN_MODEL_SELECTORS } from '../../src/routing/selection/registry.js'
import type { ModelSelector, ModelSelectionRequest } from '../../src/routing/selection/types.js'
import { seededRandom } from '../../src/seeded-random.js'
import { MemoryStateStore } from '../../src/state/memory.js'
import type { Simulator } from '../../src/simulator/index.js'
import { startRouter, startSim, type TestRouter } from '../helpers/router.js'

const MODELS = ['m0', 'm1', 'm2', 'm3']

function build(
  kind: string,
  options: Record<string, unknown>,
  prices: readonly number[],
): { selector: ModelSelector; stats: ModelLiveStats; load: EndpointStats } {
  const config = parseConfigText(
    `model_config:\n${MODELS.map((m, i) => `  ${m}: { pricing: { prompt_per_1m: ${prices[i]}, completion_per_1m: ${prices[i]! * 2} } }`).join('\n')}\n`,
  ).config
  const load = new EndpointStats()
  const stats = new ModelLiveStats({ load })
  const live = { stats, learning: new Learning(new MemoryStateStore(), silentLogger()) }
  const found = BUILTIN_MODEL_SELECTORS.require(kind, options, { kind: ['k'], options: ['o'] })
  return {
    selector: found.plugin.create(
      { config, log: silentLogger(), decision: { recipe: 'default', name: 'd' }, live },
      found.options,
    ),
    stats,
    load,
  }
}

function feed(stats: ModelLiveStats, model: string, ttftMs: number, tpotMs: number, n = 5): void {
  for (let i = 0; i < n; i++) {
    const id = `${model}-${i}-${Math.random()}`
    stats.observe({ kind: 'started', endpoint: 'e', model, requestId: id })
    stats.observe({
      kind: 'finished',
      endpoint: 'e',
      model,
      requestId: id,
      status: 200,
      ttftSeconds: ttftMs / 1000,
      latencySeconds: (ttftMs + tpotMs * 99) / 1000,
      completionTokens: 100,
    })
  }
}

const request = (scores: readonly number[], extra: Partial<ModelSelectionRequest> = {}) => ({
  requestId: 'r',
  category: '',
  decision: { recipe: 'default', name: 'd' },
  candidates: MODELS.map((model, i) => ({ model, upstreamModel: model, score: scores[i]! })),
  constraints: [],
  fallback: '',
  promptTokens: 100,
  ...extra,
})

test('multi_factor never picks a model whose measured latency violates the SLO while another meets it', () => {
  const random = seededRandom(11)
  let filtered = 0
  for (let trial = 0; trial < 2000; trial++) {
    const prices = MODELS.map(() => 0.1 + random() * 5)
    const weights = { quality: random(), latency: random(), cost: random(), load: random() }
    const slo = { max_ttft_ms: 50 + random() * 200, max_tpot_ms: 5 + random() * 30 }
    const { selector, stats } = build('multi_factor', { weights, slo }, prices)
    const measured = MODELS.map((m) => {
      const ttft = random() * 400
      const tpot = random() * 60
      feed(stats, m, ttft, tpot)
      return { m, ok: ttft <= slo.max_ttft_ms && tpot <= slo.max_tpot_ms + 1e-9 }
    })
    const scores = MODELS.map(() => random())
    const choice = selector.select(request(scores))!
    const anyOk = measured.some((x) => x.ok)
    if (anyOk) {
      assert.ok(
        measured.find((x) => x.m === choice.model)!.ok,
        `trial ${trial}: chose ${choice.model} (${choice.reason}) over an SLO-compliant model`,
      )
      if (measured.some((x) => !x.ok)) filtered++
    } else assert.equal(choice.reason, 'slo_fallback_cheapest')
  }
  assert.ok(filtered > 500, `only ${filtered} trials had a model to filter`)
})

test('multi_factor: on_no_candidates, max_inflight and the request trade-off', () => {
  const prices = [4, 2, 1, 0.5]
  const { selector, stats } = build(
    'multi_factor',
    { weights: { quality: 1, latency: 0, cost: 0, load: 0 }, slo: { max_ttft_ms: 10 } },
    prices,
  )
  for (const m of MODELS) feed(stats, m, 100, 1)
  assert.equal(selector.select(request([1, 1, 1, 1]))!.model, 'm3') // cheapest when none passes
  const first = build(
    'multi_factor',
    { slo: { max_ttft_ms: 10 }, on_no_candidates: 'first' },
    prices,
  )
  for (const m of MODELS) feed(first.stats, m, 100, 1)
  assert.equal(first.selector.select(request([1, 1, 1, 1]))!.model, 'm0')
  const fail = build('multi_factor', { slo: { max_ttft_ms: 10 }, on_no_candidates: 'fail' }, prices)
  for (const m of MODELS) feed(fail.stats, m, 100, 1)
  assert.equal(fail.selector.select(request([1, 1, 1, 1])), undefined)

  // Quality-only weights: the best score wins; a request asking for cheapest gets the cheapest.
  const q = build('multi_factor', { weights: { quality: 1, latency: 0, cost: 0, load: 0 } }, prices)
  const scores = [0.9, 0.8, 0.6, 0.3]
  assert.equal(q.selector.select(request(scores))!.model, 'm0')
  const cheapest = { costWeight: 1, source: 'header' as const }
  assert.equal(q.selector.select(request(scores, { preference: cheapest }))!.model, 'm3')
  // A budget: max_cost rules out the models whose estimated cost is above it.
  const budget = { maxCost: (100 * 1 + 256 * 2) / 1e6, source: 'body' as const }
  assert.equal(q.selector.select(request(scores, { preference: budget }))!.model, 'm2')
  // The decision bounds the knob: with max_cost_weight 0 the request cannot make it cheaper.
  const bounded = build(
    'multi_factor',
    {
      weights: { quality: 1, latency: 0, cost: 0, load: 0 },
      request_preference: { max_cost_weight: 0 },
    },
    prices,
  )
  assert.equal(bounded.selector.select(request(scores, { preference: cheapest }))!.model, 'm0')
  const off = build(
    'multi_factor',
    {
      weights: { quality: 1, latency: 0, cost: 0, load: 0 },
      request_preference: { enabled: false },
    },
    prices,
  )
  assert.equal(off.selector.select(request(scores, { preference: budget }))!.model, 'm0')

  // max_inflight: a model with that many requests open is skipped.
  const busy = build(
    'multi_factor',
    { weights: { quality: 1, latency: 0, cost: 0, load: 0 }, slo: { max_inflight: 2 } },
    prices,
  )
  busy.load.started('e', 'm0')
  busy.load.started('e', 'm0')
  assert.equal(busy.selector.select(request(scores))!.model, 'm1')
})

test('latency_aware picks the lowest measured TTFT, tries unmeasured models, first without data', () => {
  const { selector, stats } = build('latency_aware', { ttft_percentile: 50 }, [1, 1, 1, 1])
  assert.equal(selector.select(request([1, 1, 1, 1]))!.reason, 'no_latency_data')
  feed(stats, 'm0', 80, 1)
  feed(stats, 'm1', 30, 1)
  feed(stats, 'm2', 50, 1)
  assert.equal(selector.select(request([1, 1, 1, 1]))!.model, 'm3') // not measured yet: tried
  feed(stats, 'm3', 60, 1)
  assert.equal(selector.select(request([1, 1, 1, 1]))!.model, 'm1')
})

describe('multi_factor through the gateway: measured TTFT of simulated models', () => {
  let sim: Simulator
  let router: TestRouter
  before(async () => {
    sim = await startSim({
      models: [
        { name: 'slow-cheap', behaviour: { ttftMs: 600, outputTokens: 8 } },
        { name: 'fast-dear', behaviour: { ttftMs: 2, outputTokens: 8 } },
      ],
    })
    router = await startRouter(`
version: v0.3
providers:
  defaults: { default_model: fast-dear }
  models:
    - { name: slow-cheap, pricing: { prompt_per_1m: 0.1, completion_per_1m: 0.1 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${sim.port}" }] }
    - { name: fast-dear, pricing: { prompt_per_1m: 5, completion_per_1m: 5 }, backend_refs: [{ name: a, endpoint: "127.0.0.1:${sim.port}" }] }
routing:
  modelCards: [{ name: slow-cheap }, { name: fast-dear }]
  decisions:
    - name: everything
      priority: 1
      modelRefs: [{ model: slow-cheap }, { model: fast-dear }]
      algorithm:
        type: multi_factor
        multi_factor:
          weights: { quality: 0, latency: 0, cost: 1, load: 0 }
          slo: { max_ttft_ms: 300 }
          min_samples: 3
`)
  })
  after(async () => {
    await router?.close()
    await sim?.close()
  })

  test('the slow model is never chosen once its measured TTFT is over the SLO', async () => {
    const chosen: string[] = []
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${router.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: `hello ${i}` }] }),
      })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('x-vsr-selected-algorithm'), 'multi_factor')
      chosen.push(res.headers.get('x-vsr-selected-model')!)
      await res.arrayBuffer()
    }
    // Cost alone prefers slow-cheap until it has min_samples (3) measurements over the SLO; a
    // measurement lands when the response has ended, which may be just after the client has it.
    // (SLO 300 ms against TTFTs of 600 and 2 ms: wide, so a loaded machine cannot push the fast
    // model over it too — then both would fail and on_no_candidates would rightly pick the cheap.)
    const slow = chosen.filter((m) => m === 'slow-cheap').length
    assert.ok(slow >= 3 && slow <= 5, chosen.join(','))
    assert.deepEqual(chosen.slice(0, slow), Array(slow).fill('slow-cheap'))
    assert.deepEqual(new Set(chosen.slice(slow)), new Set(['fast-dear']))
  })
})
