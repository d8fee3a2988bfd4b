/**
 * The semantic cache end to end: the real gateway over HTTP, the simulator as the LLM, the embedded
 * ONNX sentence embedder with the default threshold and verification, the postgres backend on
 * PGlite served over the Postgres wire protocol, the classification API for stats and flush.
 * Paraphrase → hit, hard negative → miss, streaming hit replayed as SSE, database killed mid-test →
 * requests keep succeeding, then the cache recovers.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import OpenAI from 'openai'
import { ApiServer } from '../../src/api/server.js'
import { parseConfigText } from '../../src/config/load.js'
import { Gateway } from '../../src/gateway/server.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { LiveRuntime } from '../../src/assembly/live-runtime.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import type { Runtime } from '../../src/pipeline/runtime.js'
import type { Simulator } from '../../src/simulator/index.js'
import { startPgliteServer, type PgliteServer } from '../helpers/pglite-server.js'
import { postJson, startSim, type Json } from '../helpers/router.js'
import { logCapture } from '../helpers/runtime.js'

const MODEL = 'qwen3-8b'

function config(simPort: number, pgUrl: string): string {
  return `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: ${simPort}, weight: 1 }
model_config:
  ${MODEL}: { reasoning_family: qwen3, preferred_endpoints: [sim] }
default_model: ${MODEL}
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
semantic_cache:
  enabled: true
  backend_type: postgres
  failure_threshold: 1
  cooldown_ms: 200
  lookup_timeout_ms: 1000
  backend:
    postgres: { connection_string: "${pgUrl}", table: e2e_cache, statement_timeout_ms: 1000 }
`
}

describe('semantic cache through the gateway', () => {
  let sim: Simulator
  let pg: PgliteServer
  let runtime: Runtime
  let live: LiveRuntime<Runtime>
  let gateway: Gateway
  let api: ApiServer
  let gatewayUrl: string
  let apiUrl: string
  let metrics: RouterMetrics
  const capture = logCapture()

  before(async () => {
    ;[sim, pg] = await Promise.all([startSim({ models: [MODEL] }), startPgliteServer()])
    const log = createLogger({ level: 'debug', destination: capture.stream })
    metrics = new RouterMetrics()
    runtime = await buildRuntime(parseConfigText(config(sim.port, pg.url)), {
      log,
      metrics,
      baseDir: process.cwd(),
    })
    live = new LiveRuntime(runtime, { graceMs: 1000, onCloseError: () => {} })
    gateway = new Gateway({ runtimes: live, log, metrics })
    gatewayUrl = (await gateway.listen(0, '127.0.0.1')).url
    api = new ApiServer({
      log,
      metrics,
      runtimes: () => live,
      startedAt: new Date(),
      maxBodyBytes: 1 << 20,
    })
    apiUrl = (await api.listen(0, '127.0.0.1')).url
  })
  after(async () => {
    await gateway.close(1000)
    await api.close()
    await live.close(1000)
    await Promise.all([sim.close(), pg.close()])
  })

  const stored = () => capture.lines.filter((l) => l.event === 'cache_entry_added').length
  async function waitForStores(n: number): Promise<void> {
    // The write follows the answer (embedding + insert): up to 15 s on a loaded machine.
    for (const until = Date.now() + 15_000; stored() < n && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 10))
    assert.equal(stored(), n, 'the answer was stored')
  }
  const ask = (content: string) =>
    postJson(`${gatewayUrl}/v1/chat/completions`, {
      model: MODEL,
      messages: [{ role: 'user', content }],
    })
  const upstreamCalls = () => sim.receivedChats().length
  const contentOf = (json: Json): string => json.choices[0].message.content as string

  it('answers a paraphrase from the cache and sends a hard negative upstream', async () => {
    const first = await ask('What is the capital of France?')
    assert.equal(first.status, 200)
    assert.equal(first.headers.get('x-vsr-cache-hit'), null)
    await waitForStores(1)
    const calls = upstreamCalls()

    const paraphrase = await ask("what's the capital of france")
    assert.equal(paraphrase.status, 200)
    assert.equal(paraphrase.headers.get('x-vsr-cache-hit'), 'true')
    assert.equal(contentOf(paraphrase.json), contentOf(first.json))
    assert.equal(upstreamCalls(), calls, 'a hit does not reach the model')

    const negative = await ask('What is the capital of Spain?')
    assert.equal(negative.status, 200)
    assert.equal(negative.headers.get('x-vsr-cache-hit'), null)
    assert.equal(upstreamCalls(), calls + 1)
    assert.notEqual(contentOf(negative.json), contentOf(first.json))
    // Close enough in vector space to be a candidate; the verification step turned it down.
    assert.match(
      await metrics.registry.metrics(),
      /llm_cache_verification_rejections_total\{reason="entities"\} 1/,
    )
    await waitForStores(2)
  })

  it('stores a streamed answer and replays a hit as SSE to the openai client', async () => {
    const client = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'sk-test', maxRetries: 0 })
    const collect = async (content: string) => {
      const { data: stream, response } = await client.chat.completions
        .create({
          model: MODEL,
          messages: [{ role: 'user', content }],
          stream: true,
          chat_template_kwargs: { enable_thinking: true },
        } as OpenAI.ChatCompletionCreateParamsStreaming)
        .withResponse()
      let text = ''
      let reasoning = ''
      let finish: string | null = null
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string }
        text += delta?.content ?? ''
        reasoning += delta?.reasoning_content ?? ''
        finish = chunk.choices[0]?.finish_reason ?? finish
      }
      return { text, reasoning, finish, hit: response.headers.get('x-vsr-cache-hit') }
    }
    const before = stored()
    const live = await collect('Explain photosynthesis in simple terms.')
    assert.equal(live.hit, null)
    await waitForStores(before + 1)
    const calls = upstreamCalls()
    const replay = await collect('Please explain photosynthesis in simple terms')
    assert.equal(replay.hit, 'true')
    assert.equal(upstreamCalls(), calls)
    assert.equal(replay.text, live.text)
    assert.equal(replay.reasoning, live.reasoning)
    assert.ok(live.reasoning.length > 0, 'the simulator produced reasoning_content')
    assert.equal(replay.finish, 'stop')
  })

  it('keeps serving when the database dies mid-test, and uses the cache again after it returns', async () => {
    await pg.stop()
    const cached = await ask('What is the capital of France?')
    assert.equal(cached.status, 200)
    assert.equal(cached.headers.get('x-vsr-cache-hit'), null, 'bypassed: answered by the model')
    const fresh = await ask('How many moons does Mars have?')
    assert.equal(fresh.status, 200)
    const text = await metrics.registry.metrics()
    assert.match(text, /llm_cache_bypass_total\{backend="postgres",reason="(error|circuit_open)"\}/)
    assert.match(text, /llm_cache_backend_up\{backend="postgres"\} 0/)

    await pg.restart()
    let hit: string | null = null
    for (let i = 0; i < 50 && hit === null; i++) {
      await new Promise((r) => setTimeout(r, 100))
      hit = (await ask('What is the capital of France?')).headers.get('x-vsr-cache-hit')
    }
    assert.equal(hit, 'true')
    assert.match(await metrics.registry.metrics(), /llm_cache_backend_up\{backend="postgres"\} 1/)
  })

  it('reports stats and flushes through the classification API', async () => {
    const stats = (await (await fetch(`${apiUrl}/api/v1/cache/stats`)).json()) as Json
    assert.equal(stats.backend, 'postgres')
    assert.equal(stats.up, true)
    assert.ok(stats.entries >= 3, JSON.stringify(stats))
    assert.ok(stats.hits >= 2)
    assert.equal(stats.details.table, 'e2e_cache')

    const bad = await postJson(`${apiUrl}/api/v1/cache/flush`, { model: 42 })
    assert.equal(bad.status, 400)
    const flushed = await postJson(`${apiUrl}/api/v1/cache/flush`, { model: MODEL })
    assert.equal(flushed.status, 200)
    assert.equal(flushed.json.flushed, stats.entries)
    const after = await ask('What is the capital of France?')
    assert.equal(after.headers.get('x-vsr-cache-hit'), null)
    assert.match(
      await metrics.registry.metrics(),
      new RegExp(
        `llm_cache_evictions_total\\{backend="postgres",reason="flush"\\} ${stats.entries}`,
      ),
    )
  })
})
