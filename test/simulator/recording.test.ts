// What the simulator reports back (in process and over its /_simulator/ API), its vLLM-style
// metrics, concurrency limits, body limits, several listeners, and shutdown.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  simulatorOptionsFromFile,
  startSimulator,
  startSimulators,
  type Simulator,
} from '../../src/simulator/index.js'
import {
  readJson,
  type BehavioursJson,
  type ChatJson,
  type ErrorJson,
  type RequestsJson,
} from './wire.js'

let sim: Simulator

before(async () => {
  sim = await startSimulator({
    models: ['m1', { name: 'single', behaviour: { maxConcurrency: 1, maxWaiting: 1 } }],
    maxBodyBytes: 2048,
    maxRecorded: 50,
  })
})
after(() => sim.close())

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20))
  assert.ok(predicate(), 'condition not reached within 5 s')
}

describe('simulator: reports what it received', () => {
  it('keeps the exact bytes, path, method and headers, in process', async () => {
    sim.clearReceived()
    const raw =
      '{ "model":"m1",  "messages":[{"role":"user","content":"héllo"}], "extra": {"a":1} }'
    const res = await fetch(`${sim.url}/v1/chat/completions?trace=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom-Header': 'kept' },
      body: raw,
    })
    assert.equal(res.status, 200)
    const [got] = sim.receivedChats()
    assert.equal(got!.method, 'POST')
    assert.equal(got!.path, '/v1/chat/completions?trace=1')
    assert.equal(got!.bodyText, raw)
    assert.deepEqual(got!.body, Buffer.from(raw))
    assert.equal(got!.headers['x-custom-header'], 'kept')
    assert.ok(got!.rawHeaders.includes('X-Custom-Header'))
    assert.deepEqual((got!.json as { extra: unknown }).extra, { a: 1 })
    assert.equal(got!.port, sim.port)
  })

  it('serves the same over GET /_simulator/requests, filtered by seq and path', async () => {
    sim.clearReceived()
    await fetch(`${sim.url}/health`)
    const body = JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'x' }] })
    await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-for-test' },
      body,
    })
    const all = await readJson<RequestsJson>(await fetch(`${sim.url}/_simulator/requests`))
    assert.deepEqual(
      all.data.map((r) => r.path),
      ['/health', '/v1/chat/completions'],
    )
    const chats = await readJson<RequestsJson>(
      await fetch(`${sim.url}/_simulator/requests?path=/v1/chat&since=${all.data[0]!.seq}`),
    )
    assert.equal(chats.data.length, 1)
    assert.equal(chats.data[0]!.body, body)
    assert.equal(chats.data[0]!.json?.model, 'm1')
    assert.equal(chats.data[0]!.headers['authorization'], 'Bearer secret-for-test')
    // Debug calls themselves are not recorded.
    assert.equal(sim.received().length, 2)
    const cleared = await readJson<{ cleared: number }>(
      await fetch(`${sim.url}/_simulator/requests`, { method: 'DELETE' }),
    )
    assert.equal(cleared.cleared, 2)
    assert.equal(sim.received().length, 0)
  })

  it('keeps at most maxRecorded requests, dropping the oldest', async () => {
    sim.clearReceived()
    for (let i = 0; i < 55; i++) await fetch(`${sim.url}/health?i=${i}`)
    const kept = sim.received()
    assert.equal(kept.length, 50)
    assert.equal(kept[0]!.path, '/health?i=5')
  })
})

describe('simulator: limits', () => {
  it('answers 413 for a body over the limit, and records it as truncated', async () => {
    sim.clearReceived()
    const big = JSON.stringify({
      model: 'm1',
      messages: [{ role: 'user', content: 'x'.repeat(5000) }],
    })
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: big })
    assert.equal(res.status, 413)
    assert.equal((await readJson<ErrorJson>(res)).error.code, 413)
    const [got] = sim.received()
    assert.equal(got!.truncated, true)
    assert.equal(got!.json, undefined)
  })

  it('queues beyond maxConcurrency, reports waiting requests, and rejects past maxWaiting', async () => {
    const gauge = (name: string) =>
      Number(
        sim
          .metricsText()
          .split('\n')
          .find((l) => l.startsWith(`${name}{model_name="single"}`))!
          .split(' ')
          .at(-1),
      )
    const body = JSON.stringify({
      model: 'single',
      messages: [{ role: 'user', content: '[sim:hang]' }],
    })
    const controller = new AbortController()
    const send = () =>
      fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body, signal: controller.signal })
    const first = send()
    await waitFor(() => gauge('vllm:num_requests_running') === 1)
    const second = send()
    await waitFor(() => gauge('vllm:num_requests_waiting') === 1)
    const scrape = await (await fetch(`${sim.url}/metrics`)).text()
    assert.match(scrape, /^vllm:num_requests_running\{model_name="single"\} 1$/m)
    assert.match(scrape, /^vllm:num_requests_waiting\{model_name="single"\} 1$/m)
    const third = await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body })
    assert.equal(third.status, 503)
    controller.abort()
    await Promise.allSettled([first, second])
    await waitFor(() => gauge('vllm:num_requests_running') === 0)
    assert.equal(gauge('vllm:num_requests_waiting'), 0)
  })

  it('counts tokens and successes in vLLM metric names', async () => {
    const before = await (await fetch(`${sim.url}/metrics`)).text()
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0)
    const gen = /^vllm:generation_tokens_total\{model_name="m1"\} (\d+)$/m
    const ok = /^vllm:request_success_total\{model_name="m1",finished_reason="stop"\} (\d+)$/m
    await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'x' }] }),
    })
    const after = await (await fetch(`${sim.url}/metrics`)).text()
    assert.equal(count(after, gen) - count(before, gen), 32)
    assert.equal(count(after, ok) - count(before, ok), 1)
    assert.match(after, /^# TYPE vllm:time_to_first_token_seconds histogram$/m)
    assert.match(after, /^vllm:e2e_request_latency_seconds_count\{model_name="m1"\} \d+$/m)
  })
})

describe('simulator: run-time behaviour changes over HTTP', () => {
  it('PATCHes a model with snake_case keys and rejects bad values', async () => {
    const res = await fetch(`${sim.url}/_simulator/models/m1`, {
      method: 'PATCH',
      body: JSON.stringify({ output_tokens: 3, reasoning_tokens: 2 }),
    })
    assert.equal(res.status, 200)
    assert.equal((await readJson<BehavioursJson>(res)).models['m1']!.outputTokens, 3)
    assert.equal(sim.behaviour('m1').outputTokens, 3)
    const bad = await fetch(`${sim.url}/_simulator/models/m1`, {
      method: 'PATCH',
      body: JSON.stringify({ output_tokens: -3 }),
    })
    assert.equal(bad.status, 400)
    assert.match((await readJson<ErrorJson>(bad)).error.message, /outputTokens/)
    const unknown = await fetch(`${sim.url}/_simulator/models/nope`, {
      method: 'PATCH',
      body: '{}',
    })
    assert.equal(unknown.status, 400)
    sim.setBehaviour('*', { outputTokens: 32 })
    assert.equal(sim.behaviour('single').outputTokens, 32)
  })
})

describe('simulator: several listeners and shutdown', () => {
  it('runs several ports from one config and merges what they received', async () => {
    const listeners = simulatorOptionsFromFile({
      defaults: { output_tokens: 4 },
      listeners: [
        { port: 0, models: ['a'] },
        { port: 0, models: [{ name: 'b', output_tokens: 2, fault: { status: 503 } }] },
      ],
    })
    const fleet = await startSimulators(listeners)
    try {
      const [a, b] = fleet.simulators
      assert.notEqual(a!.port, b!.port)
      const post = (s: Simulator, model: string) =>
        fetch(`${s.baseUrl}/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
        })
      const ra = await readJson<ChatJson>(await post(a!, 'a'))
      assert.equal(ra.usage.completion_tokens, 4)
      assert.equal((await post(b!, 'b')).status, 503)
      assert.equal((await post(a!, 'b')).status, 404)
      assert.deepEqual(
        fleet.received().map((r) => r.port),
        [a!.port, b!.port, a!.port],
      )
    } finally {
      await fleet.close()
    }
  })

  it('rejects a bad config file with the path of each problem', () => {
    assert.throws(
      () => simulatorOptionsFromFile({ listeners: [{ port: 'x', models: [] }] }, 'sim.yaml'),
      /sim\.yaml: listeners\.0\.port: .*listeners\.0\.models/,
    )
    assert.throws(() => simulatorOptionsFromFile({ listeners: [], colour: 1 }), /colour|listeners/)
  })

  it('close() ends hanging requests and open streams', async () => {
    const s = await startSimulator({ models: ['m'], defaults: { tpotMs: 1000, outputTokens: 100 } })
    const hang = fetch(`${s.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '[sim:hang]' }] }),
    })
    const stream = await fetch(`${s.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'm',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    })
    assert.equal(stream.status, 200)
    await s.close()
    await assert.rejects(hang)
    await assert.rejects(stream.text())
  })

  it('fails clearly when the port is taken', async () => {
    await assert.rejects(startSimulator({ port: sim.port }), /EADDRINUSE/)
  })
})
