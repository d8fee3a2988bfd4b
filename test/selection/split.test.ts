/**
 * Traffic splits: deterministic and sticky (the same user always gets the same arm, on any
 * replica), shares that follow the weights, arms that skip a model the decision does not offer,
 * and — through the gateway — the arm in the response header, per-arm metrics, and feedback
 * attributed to its arm.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it, test } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import { silentLogger } from '../../src/log.js'
import { BUILTIN_MODEL_SELECTORS } from '../../src/routing/selection/registry.js'
import type { ModelSelectionRequest } from '../../src/routing/selection/types.js'
import type { Simulator } from '../../src/simulator/index.js'
import { postJson, startRouter, startSim, type TestRouter } from '../helpers/router.js'

function splitSelector(options: Record<string, unknown>) {
  const config = parseConfigText('model_config: { a: {}, b: {}, c: {} }\n').config
  const found = BUILTIN_MODEL_SELECTORS.require('split', options, { kind: ['k'], options: ['o'] })
  return found.plugin.create({ config, log: silentLogger() }, found.options)
}

const request = (extra: Partial<ModelSelectionRequest>): ModelSelectionRequest => ({
  requestId: `r${Math.random()}`,
  category: '',
  decision: { recipe: 'default', name: 'd' },
  candidates: ['a', 'b'].map((model) => ({ model, upstreamModel: model, score: 1 })),
  constraints: [],
  fallback: 'a',
  ...extra,
})

const CANARY = {
  name: 'canary-b',
  arms: [
    { name: 'stable', model: 'a', weight: 95 },
    { name: 'canary', model: 'b', weight: 5 },
  ],
}

test('sticky, deterministic, and shares that follow the weights', () => {
  const one = splitSelector(CANARY)
  const other = splitSelector(CANARY) // another replica: no shared state
  let canary = 0
  const users = 4000
  for (let u = 0; u < users; u++) {
    const first = one.select(request({ user: `user-${u}` }))!
    for (let again = 0; again < 3; again++)
      assert.equal(other.select(request({ user: `user-${u}` }))!.split!.arm, first.split!.arm)
    if (first.split!.arm === 'canary') {
      canary++
      assert.equal(first.model, 'b')
    }
  }
  const share = canary / users
  assert.ok(share > 0.04 && share < 0.06, `canary share ${share}`)
  // Without a user, the caller is the key; with sticky_by: request every request draws anew.
  const byCaller = one.select(request({ caller: 'key:team-a' }))!.split!.arm
  for (let i = 0; i < 5; i++)
    assert.equal(one.select(request({ caller: 'key:team-a' }))!.split!.arm, byCaller)
  const perRequest = splitSelector({ ...CANARY, sticky_by: 'request' })
  const arms = new Set<string>()
  for (let i = 0; i < 400; i++) arms.add(perRequest.select(request({ user: 'same' }))!.split!.arm)
  assert.deepEqual(arms, new Set(['stable', 'canary']))
})

test('an arm whose model the decision does not offer gives its share to the next arm', () => {
  const s = splitSelector({
    arms: [
      { name: 'gone', model: 'c', weight: 50 },
      { name: 'b', model: 'b', weight: 50 },
    ],
  })
  for (let u = 0; u < 200; u++) {
    const choice = s.select(request({ user: `u${u}` }))!
    assert.equal(choice.model, 'b')
  }
  const refuseB = { name: 'no-b', accepts: (m: string) => m !== 'b' }
  assert.equal(s.select(request({ user: 'x', constraints: [refuseB] }))!.reason, 'fallback')
})

describe('a 50/50 A/B split through the gateway', () => {
  let sim: Simulator
  let router: TestRouter
  before(async () => {
    sim = await startSim({ models: ['model-a', 'model-b'] })
    router = await startRouter(`
version: v0.3
providers:
  defaults: { default_model: model-a }
  models:
    - { name: model-a, pricing: { prompt_per_1m: 1, completion_per_1m: 2 }, backend_refs: [{ name: s, endpoint: "127.0.0.1:${sim.port}" }] }
    - { name: model-b, pricing: { prompt_per_1m: 1, completion_per_1m: 2 }, backend_refs: [{ name: s, endpoint: "127.0.0.1:${sim.port}" }] }
routing:
  modelCards: [{ name: model-a }, { name: model-b }]
  decisions:
    - name: chat
      priority: 1
      modelRefs: [{ model: model-a }, { model: model-b }]
      algorithm:
        type: split
        split:
          name: ab-test
          arms: [{ name: a, model: model-a, weight: 50 }, { name: b, model: model-b, weight: 50 }]
`)
  })
  after(async () => {
    await router?.close()
    await sim?.close()
  })

  it('keeps each user on one arm, reports it, and counts outcomes per arm', async () => {
    const seen = new Map<string, string>()
    for (let round = 0; round < 2; round++)
      for (let u = 0; u < 20; u++) {
        const res = await fetch(`${router.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'MoM',
            user: `u${u}`,
            messages: [{ role: 'user', content: 'hi' }],
          }),
        })
        await res.arrayBuffer()
        const arm = res.headers.get('x-vsr-split-arm')!
        assert.match(arm, /^ab-test:[ab]$/)
        assert.equal(
          res.headers.get('x-vsr-selected-model'),
          arm.endsWith(':a') ? 'model-a' : 'model-b',
        )
        if (round === 0) seen.set(`u${u}`, arm)
        else assert.equal(arm, seen.get(`u${u}`), 'sticky')
        if (round === 1) {
          const fb = await postJson(`${router.apiUrl}/api/v1/feedback`, {
            request_id: res.headers.get('x-request-id'),
            rating: arm.endsWith(':a') ? 1 : 0.5,
          })
          assert.equal(fb.status, 200, fb.text)
        }
      }
    const a = [...seen.values()].filter((x) => x.endsWith(':a')).length
    assert.ok(a > 0 && a < 20, `both arms used (${a} of 20 on a)`)
    const text = await router.metricsText()
    assert.match(text, new RegExp(`llm_split_requests_total\\{split="ab-test",arm="a"\\} ${2 * a}`))
    assert.match(
      text,
      new RegExp(`llm_split_feedback_total\\{split="ab-test",arm="b"\\} ${20 - a}`),
    )
    assert.match(text, new RegExp(`llm_split_rating_sum\\{split="ab-test",arm="a"\\} ${a}`))
    assert.match(text, /llm_split_cost_total\{split="ab-test",arm="a",currency="USD"\} \d/)
    assert.match(text, /llm_split_latency_seconds_count\{split="ab-test",arm="b"\} \d/)
  })
})
