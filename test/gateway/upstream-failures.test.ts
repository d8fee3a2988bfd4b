/**
 * Upstream trouble: refused connections (502), slow upstreams (504), streams dropped mid-way,
 * clients that hang up (the upstream call is aborted), and per-endpoint API keys.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { after, before, describe, it } from 'node:test'
import OpenAI from 'openai'
import type { Simulator } from '../../src/simulator/index.js'
import { postJson, startRouter, startSim, type TestRouter } from '../helpers/router.js'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

function config(simPort: number, deadPort: number): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort}, api_key_env: SR_TEST_SIM_KEY }
  - { name: dead, address: 127.0.0.1, port: ${deadPort} }
model_config:
  live-model: { preferred_endpoints: [sim] }
  dead-model: { preferred_endpoints: [dead] }
default_model: live-model
upstream:
  headers_timeout_ms: 2000
  body_timeout_ms: 2000
`
}

const chat = (model: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model,
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
})

/** Poll until `check` holds; 15 s is only a guard for a loaded machine. */
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const until = Date.now() + 15_000; Date.now() < until;) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`timed out waiting for ${what}`)
}

describe('gateway upstream failures', () => {
  let sim: Simulator
  let router: TestRouter
  let url: string

  before(async () => {
    process.env['SR_TEST_SIM_KEY'] = 'sk-endpoint-secret'
    sim = await startSim({ models: ['live-model'], defaults: { tpotMs: 20, outputTokens: 40 } })
    router = await startRouter(config(sim.port, await closedPort()))
    url = `${router.gatewayUrl}/v1/chat/completions`
  })
  after(async () => {
    delete process.env['SR_TEST_SIM_KEY']
    await router.close()
    await sim.close()
  })

  it('answers 502 upstream_unavailable when the endpoint refuses connections', async () => {
    const res = await postJson(url, chat('dead-model'))
    assert.equal(res.status, 502)
    assert.equal(res.json.error.code, 'upstream_unavailable')
    assert.equal(res.json.error.type, 'upstream_error')
    const logged = router.logs.filter(
      (l) => l.event === 'request_error' && l.request_id === res.headers.get('x-request-id'),
    )
    assert.equal(logged.length, 1)
    assert.equal(logged[0]!.code, 'upstream_unavailable')
    assert.match(
      await router.metricsText(),
      /llm_request_errors_total\{model="dead-model",reason="upstream_unavailable"\} 1/,
    )
  })

  it('answers 504 upstream_timeout when the endpoint is too slow to answer', async () => {
    const res = await postJson(url, chat('live-model'), {
      'x-simulator-fault': 'slow-headers=6000',
    })
    assert.equal(res.status, 504)
    assert.equal(res.json.error.code, 'upstream_timeout')
  })

  it('ends a stream with an error event when the upstream drops it mid-way', async () => {
    const client = new OpenAI({ baseURL: router.baseURL, apiKey: 'x', maxRetries: 0 })
    const stream = await client.chat.completions.create(
      { model: 'live-model', stream: true, messages: [{ role: 'user', content: 'hello' }] },
      { headers: { 'x-simulator-fault': 'drop=5' } },
    )
    let content = ''
    await assert.rejects(async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? ''
    }, /upstream/i)
    assert.ok(content.length > 0, 'the first tokens reached the client')
    await waitFor(
      async () =>
        /llm_request_errors_total\{model="live-model",reason="upstream_stream_aborted"\} 1/.test(
          await router.metricsText(),
        ),
      'the aborted stream to be counted',
    )
  })

  it('aborts the upstream request when the client disconnects', async () => {
    const running = (): number =>
      Number(/vllm:num_requests_running\{[^}]*\} (\d+)/.exec(sim.metricsText())?.[1] ?? -1)
    const aborter = new AbortController()
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat('live-model', { stream: true })),
      signal: aborter.signal,
    })
    const reader = res.body!.getReader()
    await reader.read()
    await waitFor(() => running() === 1, 'the simulator to be generating')
    aborter.abort()
    await waitFor(() => running() === 0, 'the simulator to see the request end')
    await waitFor(
      async () =>
        /llm_request_errors_total\{model="live-model",reason="cancellation"\} 1/.test(
          await router.metricsText(),
        ),
      'the cancellation to be counted',
    )
    await waitFor(
      async () =>
        /llm_router_inflight_requests\{transport="gateway"\} 0/.test(await router.metricsText()),
      'no request in flight',
    )
  })

  it('sends the endpoint API key from api_key_env instead of the client key', async () => {
    sim.clearReceived()
    const res = await postJson(url, chat('live-model'), { authorization: 'Bearer client-key' })
    assert.equal(res.status, 200)
    assert.equal(sim.receivedChats().at(-1)!.headers['authorization'], 'Bearer sk-endpoint-secret')
  })

  it('passes upstream error statuses and bodies through unchanged', async () => {
    const res = await postJson(url, chat('live-model'), { 'x-simulator-fault': 'status=429' })
    assert.equal(res.status, 429)
    assert.ok(res.json.error, 'the upstream OpenAI error body')
    // Only where it came from: the model asked for, and that the endpoint (not the router) erred.
    assert.equal(res.headers.get('x-vsr-selected-model'), 'live-model')
    assert.equal(res.headers.get('x-vsr-error-source'), 'upstream')
    assert.equal(res.headers.get('x-vsr-selected-category'), null)
    assert.match(
      await router.metricsText(),
      /llm_request_errors_total\{model="live-model",reason="upstream_4xx"\} 1/,
    )
  })
})
