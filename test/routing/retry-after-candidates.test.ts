/**
 * The all-cooling refusal names the soonest end over EVERY candidate model, on both transports:
 * a routed request whose decision has two models, each on its own real upstream (simulators on
 * port 0) that answers with a different status and Retry-After — model a (preferred) 429 with
 * 120 s, model b 503 with 30 s. Once both cool down, the request is refused with b's status and
 * b's Retry-After (the soonest), although routing falls back to a (the first candidate) when no
 * model has an available endpoint — and nothing more reaches either upstream. On ext_proc the 503
 * refusal is an immediate response under the default failure_mode (open), not a pass-through.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { EnvoyClient, forwardToDestination } from '../helpers/envoy.js'
import { startRouter, startSim, type TestRouter } from '../helpers/router.js'
import type { Simulator } from '../../src/simulator/index.js'

const sims: Simulator[] = []
const routers: TestRouter[] = []
const envoys: EnvoyClient[] = []
after(async () => {
  for (const e of envoys) e.close()
  await Promise.all(routers.map((r) => r.close()))
  await Promise.all(sims.map((s) => s.close()))
})

async function upstreams(): Promise<{ a: Simulator; b: Simulator }> {
  const a = await startSim({ models: ['a'], defaults: { fault: { status: 429, retryAfter: 120 } } })
  const b = await startSim({ models: ['b'], defaults: { fault: { status: 503, retryAfter: 30 } } })
  sims.push(a, b)
  return { a, b }
}

async function router(a: Simulator, b: Simulator, extproc: boolean): Promise<TestRouter> {
  const r = await startRouter(
    `
vllm_endpoints:
  - { name: a-ep, address: 127.0.0.1, port: ${a.port} }
  - { name: b-ep, address: 127.0.0.1, port: ${b.port} }
model_config:
  a: { preferred_endpoints: [a-ep] }
  b: { preferred_endpoints: [b-ep] }
default_model: a
keyword_rules:
  - { category: math, operator: OR, keywords: [integral] }
categories:
  - name: math
    model_scores: [{ model: a, score: 0.9 }, { model: b, score: 0.8 }]
`,
    extproc ? { listen: { enableExtproc: true, extprocPort: 0 } } : {},
  )
  routers.push(r)
  return r
}

const BODY = JSON.stringify({
  model: 'MoM',
  messages: [{ role: 'user', content: 'solve this integral' }],
})

const received = (a: Simulator, b: Simulator) => a.receivedChats().length + b.receivedChats().length

function assertSoonestOfB(status: number, code: string | undefined, retryAfter: unknown) {
  assert.equal(status, 503, 'the status of the endpoint whose cool-down ends first (b)')
  assert.equal(code, 'upstream_overloaded')
  const seconds = Number(retryAfter)
  assert.ok(seconds >= 29 && seconds <= 30, `Retry-After ${String(retryAfter)}, b's is 30`)
}

describe('all-cooling refusal: soonest end over every candidate model', () => {
  it('gateway: after both models answered with Retry-After, the refusal names b (30 s)', async () => {
    const { a, b } = await upstreams()
    const r = await router(a, b, false)
    const ask = async () => {
      const res = await fetch(`${r.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: BODY,
      })
      const body = (await res.json()) as { error?: { code: string } }
      return {
        status: res.status,
        code: body.error?.code,
        retryAfter: res.headers.get('retry-after'),
      }
    }
    // The first request tries a (429, 120 s), fails over to b (503, 30 s): both cool down.
    const first = await ask()
    assert.notEqual(first.status, 200)
    assert.equal(a.receivedChats().length, 1)
    assert.equal(b.receivedChats().length, 1)
    const refused = await ask()
    assertSoonestOfB(refused.status, refused.code, refused.retryAfter)
    assert.equal(received(a, b), 2, 'a request reached an endpoint that is cooling down')
  })

  it('ext_proc: the immediate response names b (30 s) once a and b are cooling', async () => {
    const { a, b } = await upstreams()
    const r = await router(a, b, true)
    const envoy = new EnvoyClient(`127.0.0.1:${r.app.extproc!.port}`)
    envoys.push(envoy)
    const exchange = () => envoy.exchange({ body: BODY }, forwardToDestination)
    // a is preferred (429, 120 s); then a is cooling and b takes the next one (503, 30 s).
    assert.equal((await exchange()).status, 429)
    assert.equal((await exchange()).status, 503)
    assert.equal(a.receivedChats().length, 1)
    assert.equal(b.receivedChats().length, 1)
    const refused = await exchange()
    assert.equal(refused.immediate, true)
    const body = JSON.parse(refused.body.toString()) as { error?: { code: string } }
    assertSoonestOfB(refused.status, body.error?.code, refused.headers['retry-after'])
    assert.equal(received(a, b), 2, 'a request reached an endpoint that is cooling down')
  })
})
