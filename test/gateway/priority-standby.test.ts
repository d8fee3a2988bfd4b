/**
 * Standby endpoints (`vllm_endpoints[].priority`) through the real gateway in front of real
 * simulators on port 0: the standby gets nothing while the primary is healthy, every request
 * succeeds on it while the primary is dead, and traffic returns to the primary once it is back
 * (after its half-open probe). ext_proc names its destination from the same state.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { closedPort, startRouter, startSim, type TestRouter } from '../helpers/router.js'

const sims: Simulator[] = []
const routers: TestRouter[] = []
after(async () => {
  await Promise.all(routers.map((r) => r.close()))
  await Promise.all(sims.map((s) => s.close()))
})

async function sim(port = 0): Promise<Simulator> {
  const s = await startSim({ models: ['m'], port })
  sims.push(s)
  return s
}

/** Two primaries and a standby that is heavier (weights must not pull across levels). */
function config(primaryPorts: readonly number[], standbyPort: number, ejectionMs: number): string {
  return `
vllm_endpoints:
${primaryPorts.map((p, i) => `  - { name: primary${i + 1}, address: 127.0.0.1, port: ${p}, weight: 1 }`).join('\n')}
  - { name: standby, address: 127.0.0.1, port: ${standbyPort}, weight: 5, priority: 1 }
model_config:
  m: { preferred_endpoints: [${primaryPorts.map((_, i) => `primary${i + 1}`).join(', ')}, standby] }
default_model: m
resilience: { outlier_detection: { base_ejection_ms: ${ejectionMs} } }
`
}

async function ask(router: TestRouter): Promise<{ status: number; endpoint: string | null }> {
  const res = await fetch(`${router.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello' }] }),
  })
  await res.text()
  return { status: res.status, endpoint: res.headers.get('x-vsr-selected-endpoint') }
}

async function router(yaml: string): Promise<TestRouter> {
  const r = await startRouter(yaml)
  routers.push(r)
  return r
}

describe('standby endpoints (priority levels, gateway)', () => {
  it('the standby gets ~0 % while the primaries are healthy', async () => {
    const [a, b, standby] = [await sim(), await sim(), await sim()]
    const r = await router(config([a.port, b.port], standby.port, 60_000))
    for (let i = 0; i < 30; i++) {
      const answer = await ask(r)
      assert.equal(answer.status, 200)
      assert.notEqual(answer.endpoint, 'standby')
    }
    assert.equal(standby.receivedChats().length, 0)
    assert.ok(a.receivedChats().length > 0 && b.receivedChats().length > 0)
  })

  it('primary dead: every request succeeds on the standby; the primary back gets the traffic again', async () => {
    const deadPort = await closedPort()
    const standby = await sim()
    const r = await router(config([deadPort], standby.port, 300))
    for (let i = 0; i < 15; i++) {
      const answer = await ask(r)
      assert.equal(answer.status, 200)
      assert.equal(answer.endpoint, 'standby')
    }
    // Three failed tries ejected the primary; later requests go straight to the standby.
    assert.ok(r.events('upstream_try_failed').length <= 4)
    const metrics = await r.metricsText()
    assert.match(metrics, /llm_endpoint_health_state\{endpoint="primary1",state="ejected"\} 1/)

    // The primary comes back: once its ejection ends, the half-open probe succeeds and it takes over.
    const back = await sim(deadPort)
    const deadline = Date.now() + 20_000
    while (back.receivedChats().length === 0) {
      assert.ok(Date.now() < deadline, 'the repaired primary never got its probe')
      assert.equal((await ask(r)).status, 200)
    }
    // The probe's success is recorded when its response ends: wait until the primary is healthy.
    while (
      !/llm_endpoint_health_state\{endpoint="primary1",state="healthy"\} 1/.test(
        await r.metricsText(),
      )
    )
      assert.ok(Date.now() < deadline, 'the repaired primary never became healthy')
    const standbyBefore = standby.receivedChats().length
    for (let i = 0; i < 20; i++) {
      const answer = await ask(r)
      assert.equal(answer.status, 200)
      assert.equal(answer.endpoint, 'primary1')
    }
    assert.equal(standby.receivedChats().length, standbyBefore)
  })
})
