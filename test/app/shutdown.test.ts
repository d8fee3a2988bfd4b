/** Graceful shutdown: requests in flight finish; new connections are refused; the grace bounds it. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { postJson, startRouter, startSim } from '../helpers/router.js'

const config = (simPort: number, graceMs: number): string => `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort} }
model_config:
  m: { preferred_endpoints: [sim] }
default_model: m
server: { shutdown_grace_ms: ${graceMs} }
`

const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] }

describe('graceful shutdown', () => {
  let sim: Simulator
  before(async () => {
    sim = await startSim({ models: ['m'] })
  })
  after(() => sim.close())

  it('lets a request in flight finish, then refuses new connections', async () => {
    sim.setBehaviour('m', { ttftMs: 300 })
    const router = await startRouter(config(sim.port, 5_000))
    const url = `${router.gatewayUrl}/v1/chat/completions`
    const seen = sim.receivedChats().length
    const inflight = postJson(url, chat)
    // Close only once the request is really in flight (at the backend), however slow the machine.
    for (
      const until = Date.now() + 30_000;
      sim.receivedChats().length === seen && Date.now() < until;
    )
      await new Promise((r) => setTimeout(r, 5))
    assert.equal(sim.receivedChats().length, seen + 1)
    const closed = router.close()
    const res = await inflight
    assert.equal(res.status, 200, 'the request in flight completed')
    await closed
    await assert.rejects(fetch(url, { method: 'POST', body: JSON.stringify(chat) }))
    assert.ok(router.events('router_stopped').length === 1)
  })

  it('cuts requests that outlive the grace period', async () => {
    sim.setBehaviour('m', { ttftMs: 5_000 })
    const router = await startRouter(config(sim.port, 200))
    const seen = sim.receivedChats().length
    const inflight = postJson(`${router.gatewayUrl}/v1/chat/completions`, chat).catch(
      (err: unknown) => err,
    )
    // Close once the request is at the backend: closed earlier, a refused connection would pass
    // this test without any request being cut.
    for (
      const until = Date.now() + 30_000;
      sim.receivedChats().length === seen && Date.now() < until;
    )
      await new Promise((r) => setTimeout(r, 5))
    assert.equal(sim.receivedChats().length, seen + 1)
    await router.close()
    const outcome = await inflight
    // Had close() waited for the upstream (5 s), the request would have succeeded.
    assert.ok(outcome instanceof Error, 'the client saw the connection close')
    sim.setBehaviour('m', { ttftMs: 0 })
  })
})
