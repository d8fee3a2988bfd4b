/**
 * ext_proc with the real semantic_cache module: a forwarded answer is stored when Envoy's response
 * body completes (JSON or SSE), and the next similar question is answered by the router itself as
 * an ImmediateResponse in the form the client asked for. The embedded sentence embedder, default
 * threshold and verification.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import { ExtProcServer } from '../../src/extproc/server.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import type { Runtime } from '../../src/pipeline/runtime.js'
import { EnvoyClient, UPSTREAM_FILTER } from '../helpers/envoy.js'
import { completionResponse, sseResponse } from '../helpers/extproc.js'
import { logCapture } from '../helpers/runtime.js'

const CONFIG = `
model_config:
  model-a: {}
default_model: model-a
semantic_cache: { enabled: true }
`

const ask = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'model-a', messages: [{ role: 'user', content }], ...extra })

describe('ext_proc with the semantic cache', () => {
  let runtime: Runtime
  let server: ExtProcServer
  let envoy: EnvoyClient
  before(async () => {
    const capture = logCapture()
    const log = createLogger({ level: 'debug', destination: capture.stream })
    const metrics = new RouterMetrics()
    runtime = await buildRuntime(parseConfigText(CONFIG), { log, metrics, baseDir: process.cwd() })
    server = await ExtProcServer.start({
      host: '127.0.0.1',
      port: 0,
      runtimes: { acquire: () => ({ runtime, release() {} }) },
      log,
      maxMessageBytes: 1 << 20,
      shutdownGraceMs: 500,
    })
    envoy = new EnvoyClient(`127.0.0.1:${server.port}`)
  })
  after(async () => {
    envoy.close()
    await server.close(200)
    await runtime.close()
  })

  it('stores a BUFFERED JSON answer and replays it as JSON and as SSE', async () => {
    const first = await envoy.exchange(
      { body: ask('What is the tallest mountain on Earth?') },
      () => completionResponse('model-a', 'Mount Everest'),
    )
    assert.equal(first.immediate, false)
    const hit = await envoy.exchange({ body: ask('What is the tallest mountain on Earth?') }, () =>
      assert.fail('a cache hit must not reach the upstream'),
    )
    assert.deepEqual(hit.transcript.slice(-2), ['> request_body[eos]', '< immediate_response'])
    assert.equal(hit.details, 'semantic_router_cache_hit')
    assert.equal(hit.headers['x-vsr-cache-hit'], 'true')
    assert.match(hit.body.toString(), /Mount Everest/)
    const sse = await envoy.exchange(
      { body: ask('What is the tallest mountain on Earth?', { stream: true }) },
      () => assert.fail('a cache hit must not reach the upstream'),
    )
    assert.equal(sse.headers['content-type'], 'text/event-stream')
    assert.match(sse.body.toString(), /^data: .*Mount Everest.*data: \[DONE\]\n\n$/s)
  })

  it('stores an answer that streamed back through STREAMED response chunks', async () => {
    const question = 'Which planet has the most moons in the solar system?'
    const first = await envoy.exchange(
      { body: ask(question, { stream: true }), headers: { accept: 'text/event-stream' } },
      () => sseResponse('model-a', ['Sat', 'urn']),
    )
    assert.equal(first.responseBodyMode, 'STREAMED')
    const hit = await envoy.exchange(
      { body: ask(question) },
      () => assert.fail('a cache hit must not reach the upstream'),
      { ...UPSTREAM_FILTER, request_body_mode: 'STREAMED' },
    )
    assert.equal(hit.headers['x-vsr-cache-hit'], 'true')
    assert.match(hit.body.toString(), /Saturn/)
  })
})
