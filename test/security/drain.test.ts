/**
 * Issue 13: draining shutdown. From the moment the router starts stopping (what SIGTERM does):
 * `/ready` answers 503 while the gateway drains, idle keep-alive connections are closed, a request
 * in flight finishes within the grace period and its answer carries `Connection: close`.
 */
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { connect } from 'node:net'
import { after, before, it } from 'node:test'
import type { Simulator } from '../../src/simulator/index.js'
import { startRouter, startSim } from '../helpers/router.js'

const config = (simPort: number): string => `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort} }
model_config:
  slow: { preferred_endpoints: [sim] }
  fast: { preferred_endpoints: [sim] }
default_model: fast
server: { shutdown_grace_ms: 10000 }
`
const chat = (model: string) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] })

let sim: Simulator
before(async () => {
  sim = await startSim({ models: ['slow', 'fast'] })
  sim.setBehaviour('slow', { ttftMs: 1_500 })
})
after(() => sim.close())

/** POST over node:http so the `connection` header is visible. */
function post(base: string, body: string): Promise<{ status: number; connection: string }> {
  const url = new URL('/v1/chat/completions', base)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection ?? '' }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** A raw keep-alive connection that has had one answer and now sits idle. */
async function idleKeepAlive(base: string): Promise<{ closed: Promise<void> }> {
  const url = new URL(base)
  const socket = connect(Number(url.port), url.hostname)
  const body = chat('fast')
  socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Connection: keep-alive\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
  let text = ''
  await new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      text += d.toString()
      if (text.includes('"chat.completion"')) resolve()
    }),
  )
  assert.match(text, /^HTTP\/1\.1 200/)
  return { closed: new Promise((resolve) => socket.once('close', () => resolve())) }
}

it('stopping: /ready 503 at once, idle keep-alive closed, the request in flight finishes with Connection: close', async () => {
  const router = await startRouter(config(sim.port))
  const idle = await idleKeepAlive(router.gatewayUrl)
  const seen = sim.receivedChats().length
  const inflight = post(router.gatewayUrl, chat('slow'))
  // Stop only once the request is really in flight (at the backend), however slow the machine: a
  // fixed pause could end before the router has read it, and then it is not a request in flight.
  for (const until = Date.now() + 30_000; sim.receivedChats().length === seen;) {
    assert.ok(Date.now() < until, 'the request never reached the backend')
    await new Promise((r) => setTimeout(r, 5))
  }
  const stopped = router.close()
  await new Promise((r) => setTimeout(r, 50))
  const ready = await fetch(`${router.apiUrl}/ready`)
  assert.equal(ready.status, 503, 'readiness turned away traffic while draining')
  await idle.closed
  const answer = await inflight
  assert.equal(answer.status, 200, 'the request in flight completed')
  assert.equal(answer.connection, 'close')
  await stopped
  assert.equal(router.events('router_stopped').length, 1)
})
