/**
 * Retry-After as a cool-down, through the real gateway in front of real simulators on port 0: an
 * endpoint that answers 429 with Retry-After is not picked again until then (its request goes to
 * the other endpoint); when every endpoint is cooling down the client gets the upstream's status
 * with a Retry-After for the soonest end, an OpenAI error body with a stable code and a log line —
 * without another request reaching the endpoints.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { BehaviourPatch, Simulator } from '../../src/simulator/index.js'
import { startRouter, startSim, type TestRouter } from '../helpers/router.js'

const sims: Simulator[] = []
const routers: TestRouter[] = []
after(async () => {
  await Promise.all(routers.map((r) => r.close()))
  await Promise.all(sims.map((s) => s.close()))
})

async function sim(defaults: BehaviourPatch = {}): Promise<Simulator> {
  const s = await startSim({ models: ['m'], defaults })
  sims.push(s)
  return s
}

async function router(ports: readonly number[]): Promise<TestRouter> {
  const r = await startRouter(`
vllm_endpoints:
${ports.map((p, i) => `  - { name: up${i + 1}, address: 127.0.0.1, port: ${p} }`).join('\n')}
model_config:
  m: { preferred_endpoints: [${ports.map((_, i) => `up${i + 1}`).join(', ')}] }
default_model: m
`)
  routers.push(r)
  return r
}

async function ask(r: TestRouter) {
  const res = await fetch(`${r.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
  })
  return {
    status: res.status,
    endpoint: res.headers.get('x-vsr-selected-endpoint'),
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { error?: { code: string; type: string; message: string } },
  }
}

describe('Retry-After cool-down (gateway, simulators)', () => {
  it('a 429 with Retry-After: the endpoint gets nothing more until then; requests go elsewhere', async () => {
    const limited = await sim({ fault: { status: 429, retryAfter: 60 } })
    const good = await sim()
    const r = await router([limited.port, good.port])
    for (let i = 0; i < 12; i++) {
      const a = await ask(r)
      assert.equal(a.status, 200)
      assert.equal(a.endpoint, 'up2')
    }
    assert.equal(limited.receivedChats().length, 1, 'the cooling endpoint was asked again')
    const metrics = await r.metricsText()
    assert.match(metrics, /llm_endpoint_health_state\{endpoint="up1",state="cooling_down"\} 1/)
    assert.match(metrics, /llm_endpoint_ejections_total\{endpoint="up1"\} 0/)
  })

  it('every endpoint cooling down: the upstream status with Retry-After of the soonest end', async () => {
    const a = await sim({ fault: { status: 429, retryAfter: 120 } })
    const b = await sim({ fault: { status: 429, retryAfter: 30 } })
    const r = await router([a.port, b.port])
    const first = await ask(r)
    assert.equal(first.status, 429)
    assert.equal(first.body.error?.code, 'upstream_rate_limited')
    assert.equal(first.body.error?.type, 'rate_limit_error')
    const seconds = Number(first.retryAfter)
    assert.ok(seconds >= 29 && seconds <= 30, `Retry-After ${first.retryAfter}`)
    assert.equal(a.receivedChats().length + b.receivedChats().length, 2)
    // Later requests are answered at once, without reaching the endpoints.
    const second = await ask(r)
    assert.equal(second.status, 429)
    assert.ok(Number(second.retryAfter) <= 30)
    assert.equal(a.receivedChats().length + b.receivedChats().length, 2)
    const errors = r.events('request_error').concat(r.events('request_rejected'))
    assert.ok(
      errors.filter((e) => e['code'] === 'upstream_rate_limited').length >= 2,
      JSON.stringify(errors),
    )
  })

  it("a retry whose model's other endpoints are cooling fails over to the decision's next model", async () => {
    const failing = await startSim({ models: ['a'], defaults: { fault: { status: 500 } } })
    const limited = await startSim({
      models: ['a'],
      defaults: { fault: { status: 429, retryAfter: 60 } },
    })
    const good = await startSim({ models: ['b'] })
    sims.push(failing, limited, good)
    const r = await startRouter(`
vllm_endpoints:
  - { name: a1, address: 127.0.0.1, port: ${failing.port} }
  - { name: a2, address: 127.0.0.1, port: ${limited.port} }
  - { name: b1, address: 127.0.0.1, port: ${good.port} }
model_config:
  a: { preferred_endpoints: [a1, a2] }
  b: { preferred_endpoints: [b1] }
default_model: a
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
categories:
  - name: math
    model_scores: [{ model: a, score: 0.9 }, { model: b, score: 0.8 }]
`)
    routers.push(r)
    const routed = async () => {
      const res = await fetch(`${r.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'MoM',
          messages: [{ role: 'user', content: 'solve this integral' }],
        }),
      })
      await res.arrayBuffer()
      return { status: res.status, model: res.headers.get('x-vsr-selected-model') }
    }
    // The first request meets a2's 429 (a2 cools down for 60 s) and a1's 500, and ends on b.
    assert.deepEqual(await routed(), { status: 200, model: 'b' })
    assert.equal(limited.receivedChats().length, 1)
    // a1 is still available (one failure does not eject it), so a is chosen again; its retry
    // finds only a2, cooling: the request goes on to b instead of being refused.
    assert.deepEqual(await routed(), { status: 200, model: 'b' })
    assert.equal(failing.receivedChats().length, 2)
    assert.equal(limited.receivedChats().length, 1, 'the cooling endpoint was asked again')
  })
})
