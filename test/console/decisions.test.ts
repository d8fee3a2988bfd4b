/**
 * With a signals/decisions (v0.3) config the console shows the decision instead of the category:
 * the winning decision, the signal rules that matched, the decisions that matched and lost, the
 * winner's candidate models, and a decision's fast response as its own flow path.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { ConsoleStream } from '../helpers/console.js'
import { postJson, startRouter, startSim, type TestRouter } from '../helpers/router.js'

const config = (simPort: number) => `
version: v0.3
providers:
  defaults: { default_model: small }
  models:
    - { name: small, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
    - { name: large, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
    - { name: coder, backend_refs: [{ name: sim, endpoint: "127.0.0.1:${simPort}" }] }
routing:
  modelCards: [{ name: small }, { name: large }, { name: coder }]
  signals:
    keywords:
      - { name: urgent, operator: OR, keywords: [urgent, asap] }
      - { name: code, operator: OR, keywords: [python, function] }
      - { name: banned, operator: OR, keywords: [forbidden] }
  decisions:
    - name: blocked
      priority: 500
      rules: { type: keyword, name: banned }
      plugins: [{ type: fast_response, configuration: { message: "Not here." } }]
    - name: urgent_code
      priority: 200
      rules:
        operator: AND
        conditions: [{ type: keyword, name: urgent }, { type: keyword, name: code }]
      modelRefs: [{ model: coder }, { model: large }]
    - name: urgent
      priority: 100
      rules: { type: keyword, name: urgent }
      modelRefs: [{ model: large, use_reasoning: true }]
server: { shutdown_grace_ms: 1000 }
console: { update_interval_ms: 100, linger_seconds: 0 }
`

let sim: Simulator
let router: TestRouter

before(async () => {
  sim = await startSim({ models: ['small', 'large', 'coder'] })
  router = await startRouter(config(sim.port))
})
after(async () => {
  await router?.close()
  await sim?.close()
})

const ask = (content: string) =>
  postJson(`${router.gatewayUrl}/v1/chat/completions`, {
    model: 'MoM',
    messages: [{ role: 'user', content }],
  })

describe('console with decisions', () => {
  it('shows the winning decision, the signals and the decisions that lost', async () => {
    const stream = await ConsoleStream.open(router.apiUrl)
    try {
      const res = await ask('urgent: fix this python function asap')
      assert.equal(res.status, 200)
      const e = await stream.decision(res.headers.get('x-request-id')!)
      assert.equal(e.decision, 'urgent_code')
      assert.equal(e.upstreamModel, 'coder')
      const names = e.signals.map((s) => `${s.kind}:${s.name}:${s.matched}`)
      assert.ok(names.includes('keyword:urgent:true'), names.join(' '))
      assert.ok(names.includes('keyword:code:true'), names.join(' '))
      const decisions = e.signals.filter((s) => s.kind === 'decision')
      assert.deepEqual(
        decisions.map((d) => [d.name, d.detail?.startsWith('won')]),
        [
          ['urgent_code', true],
          ['urgent', false],
        ],
      )
      assert.deepEqual(
        e.candidates.map((c) => [c.model, c.chosen]),
        [
          ['coder', true],
          ['large', false],
        ],
      )
      const flow = await stream.next('flow', (f) =>
        f.paths.some((p) => p.source === 'decision: urgent_code'),
      )
      assert.equal(flow.paths.find((p) => p.source === 'decision: urgent_code')?.model, 'coder')
    } finally {
      stream.close()
    }
  })

  it("shows a decision's fast response as the router's own answer", async () => {
    const stream = await ConsoleStream.open(router.apiUrl)
    try {
      const res = await ask('this is forbidden')
      assert.equal(res.status, 200)
      const e = await stream.decision(res.headers.get('x-request-id')!)
      assert.equal(e.outcome, 'fast_response')
      assert.equal(e.decision, 'blocked')
      assert.equal(e.endpoint, undefined)
      const flow = await stream.next('flow', (f) =>
        f.paths.some((p) => p.outcome === 'fast_response'),
      )
      const path = flow.paths.find((p) => p.outcome === 'fast_response')
      assert.deepEqual([path?.source, path?.model], ['decision: blocked', ''])
    } finally {
      stream.close()
    }
  })
})
