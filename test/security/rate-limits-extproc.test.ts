/**
 * `security.rate_limits.on_store_error: deny` holds on ext_proc too: with the rate-limit store
 * away (Redis on a closed loopback port), a chat request through the Envoy stand-in gets the
 * immediate 503 limits_unavailable, although ext_proc's default failure_mode (open) lets the
 * router's own failures pass through — a deliberate refusal is not a failure. `allow` lets the
 * same request go on to the endpoint.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { EnvoyClient, forwardToDestination } from '../helpers/envoy.js'
import {
  familiesConfig,
  FAMILY_MODELS,
  startRouter,
  startSim,
  type TestRouter,
} from '../helpers/router.js'

const AWAY = `{ backend: redis, redis: { url: "redis://127.0.0.1:1", connect_timeout_ms: 200, command_timeout_ms: 200 } }`

let sim: Simulator
const routers: TestRouter[] = []
const envoys: EnvoyClient[] = []
before(async () => {
  sim = await startSim({ models: FAMILY_MODELS })
})
after(async () => {
  for (const e of envoys) e.close()
  await Promise.all(routers.map((r) => r.close()))
  await sim?.close()
})

async function envoyFor(onStoreError: 'allow' | 'deny'): Promise<EnvoyClient> {
  const router = await startRouter(
    familiesConfig(
      sim.port,
      `
state_store: ${AWAY}
security:
  rate_limits: { enabled: true, requests_per_minute: 3, on_store_error: ${onStoreError} }
`,
    ),
    { listen: { enableExtproc: true, extprocPort: 0 } },
  )
  routers.push(router)
  const envoy = new EnvoyClient(`127.0.0.1:${router.app.extproc!.port}`)
  envoys.push(envoy)
  return envoy
}

const request = {
  headers: { authorization: 'Bearer caller-1' },
  body: JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'hello there' }] }),
}

describe('ext_proc: rate-limit store away', () => {
  it('deny answers 503 limits_unavailable immediately under failure_mode open', async () => {
    const envoy = await envoyFor('deny')
    const before = sim.receivedChats().length
    const reply = await envoy.exchange(request, forwardToDestination)
    assert.equal(reply.immediate, true, 'the request was passed through to the endpoint')
    assert.equal(reply.status, 503)
    const body = JSON.parse(reply.body.toString()) as { error?: { code: string } }
    assert.equal(body.error?.code, 'limits_unavailable')
    assert.equal(sim.receivedChats().length, before, 'a denied request reached the endpoint')
  })

  it('allow lets the request go on to the endpoint', async () => {
    const envoy = await envoyFor('allow')
    const before = sim.receivedChats().length
    const reply = await envoy.exchange(request, forwardToDestination)
    assert.equal(reply.immediate, false)
    assert.equal(reply.status, 200)
    assert.equal(sim.receivedChats().length, before + 1)
  })
})
