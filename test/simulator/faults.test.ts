// Injected faults as a client (or a router) sees them: status codes, slow headers, delays, hangs,
// dropped streams, malformed bodies — configured per model, at run time, or per request.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import OpenAI from 'openai'
import { Agent, request } from 'undici'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import { readJson, type ErrorJson } from './wire.js'

let sim: Simulator

before(async () => {
  sim = await startSimulator({
    models: [
      'healthy',
      { name: 'broken', behaviour: { fault: { status: 503, message: 'overloaded' } } },
      { name: 'flaky', behaviour: { fault: { status: 500, rate: 0.5 } } },
    ],
    defaults: { outputTokens: 10 },
  })
})
after(() => sim.close())

function post(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) {
  return fetch(`${sim.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  })
}
const msg = (content: string, model = 'healthy', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
})

/** Sum of the series of `name` whose labels include all of `labels`. */
function metric(name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  return sim
    .metricsText()
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20))
  assert.ok(predicate(), 'condition not reached within 5 s')
}

describe('simulator faults: status codes', () => {
  it('answers a model configured to fail with its status and an OpenAI-shaped error', async () => {
    const res = await post(msg('hi', 'broken'))
    assert.equal(res.status, 503)
    const body = await readJson<ErrorJson>(res)
    assert.equal(body.error.type, 'ServiceUnavailableError')
    assert.match(body.error.message, /overloaded \(semantic-router simulator\)/)
  })

  it('fails about the configured share of requests, the same way each run', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await post(msg(`q${i}`, 'flaky'))).status)
    const failures = statuses.filter((s) => s === 500).length
    assert.ok(failures > 8 && failures < 32, `got ${failures} of 40`)
    assert.ok(statuses.every((s) => s === 200 || s === 500))
  })

  it('lets one request ask for a fault by header or by a [sim:] marker', async () => {
    assert.equal((await post(msg('hi'), { 'x-simulator-fault': 'status=429' })).status, 429)
    assert.equal((await post(msg('please fail [sim:status=502]'))).status, 502)
    // Markers in array content parts work too, and a request marker overrides the model's fault.
    const parts = {
      model: 'broken',
      messages: [{ role: 'user', content: [{ type: 'text', text: '[sim:status=418]' }] }],
    }
    assert.equal((await post(parts)).status, 418)
    const bad = await post(msg('[sim:status=abc]'))
    assert.equal(bad.status, 400)
    assert.match((await readJson<ErrorJson>(bad)).error.message, /bad fault/)
  })

  it('is reconfigured at run time, in process and over HTTP', async () => {
    sim.setFault('healthy', { status: 504 })
    assert.equal((await post(msg('hi'))).status, 504)
    sim.setFault('healthy', undefined)
    assert.equal((await post(msg('hi'))).status, 200)

    const put = await fetch(`${sim.url}/_simulator/models/healthy/fault`, {
      method: 'PUT',
      body: JSON.stringify({ spec: 'status=500' }),
    })
    assert.equal(put.status, 200)
    assert.equal((await post(msg('hi'))).status, 500)
    await fetch(`${sim.url}/_simulator/models/healthy/fault`, { method: 'DELETE' })
    assert.equal((await post(msg('hi'))).status, 200)
  })

  it('counts injected faults in /metrics by kind and source', () => {
    const injected = (labels: Record<string, string>) =>
      metric('simulator_faults_injected_total', labels)
    assert.ok(injected({ kind: 'status', model_name: 'broken', source: 'model' }) >= 1)
    assert.ok(injected({ source: 'header' }) >= 1)
    assert.ok(injected({ source: 'marker' }) >= 1)
  })
})

describe('simulator faults: timing', () => {
  it('holds the headers back with slow-headers (a header timeout fires)', async () => {
    const agent = new Agent({ headersTimeout: 100 })
    try {
      await assert.rejects(
        request(`${sim.url}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify(msg('[sim:slow-headers=3000]')),
          dispatcher: agent,
        }),
        (err: Error & { code?: string }) => err.code === 'UND_ERR_HEADERS_TIMEOUT',
      )
    } finally {
      await agent.destroy()
    }
  })

  it('sends stream headers at once but delays the first token (a body timeout fires)', async () => {
    const agent = new Agent({ bodyTimeout: 100 })
    try {
      const res = await request(`${sim.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(msg('[sim:delay=3000]', 'healthy', { stream: true })),
        dispatcher: agent,
      })
      assert.equal(res.statusCode, 200)
      await assert.rejects(
        res.body.text(),
        (err: Error & { code?: string }) => err.code === 'UND_ERR_BODY_TIMEOUT',
      )
    } finally {
      await agent.destroy()
    }
  })

  it('hangs until the client gives up, then frees the slot', async () => {
    const running = () => metric('vllm:num_requests_running', { model_name: 'healthy' })
    await waitFor(() => running() === 0) // earlier tests' abandoned requests
    const aborted = metric('simulator_requests_total', { outcome: 'aborted' })
    const pending = post(msg('[sim:hang]'), {}, AbortSignal.timeout(300))
    await waitFor(() => running() === 1)
    await assert.rejects(pending, { name: 'TimeoutError' })
    // The abort reaches the server asynchronously.
    await waitFor(() => running() === 0)
    assert.equal(metric('simulator_requests_total', { outcome: 'aborted' }), aborted + 1)
  })
})

describe('simulator faults: broken bodies', () => {
  it('drops a stream mid-way: the client gets the first tokens, then an error, no [DONE]', async () => {
    const res = await post(msg('[sim:drop=3]', 'healthy', { stream: true }))
    assert.equal(res.status, 200)
    const reader = res.body!.getReader()
    let text = ''
    await assert.rejects(async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        text += Buffer.from(value).toString()
      }
    })
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '))
    assert.equal(events.length, 4) // role chunk + 3 tokens
    assert.ok(!text.includes('[DONE]'))

    const client = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'x', maxRetries: 0 })
    await assert.rejects(async () => {
      const stream = await client.chat.completions.create({
        model: 'healthy',
        messages: [{ role: 'user', content: '[sim:drop=2]' }],
        stream: true,
      })
      for await (const _ of stream) {
        // drain
      }
    })
  })

  it('drops a JSON response part-way through its body', async () => {
    const res = await post(msg('[sim:drop=0]'))
    assert.equal(res.status, 200)
    await assert.rejects(res.text())
  })

  it('sends malformed JSON, and a malformed SSE event, when asked', async () => {
    const res = await post(msg('[sim:malformed]'))
    assert.equal(res.status, 200)
    const text = await res.text()
    assert.throws(() => JSON.parse(text))
    assert.match(text, /simulated malformed JSON/)

    const stream = await post(msg('[sim:malformed]', 'healthy', { stream: true }))
    const events = (await stream.text()).split('\n\n').filter((e) => e.startsWith('data: '))
    const broken = events.filter((e) => {
      try {
        JSON.parse(e.slice(6))
        return false
      } catch {
        return e !== 'data: [DONE]'
      }
    })
    assert.equal(broken.length, 1)
    assert.equal(events.at(-1), 'data: [DONE]')
  })
})
