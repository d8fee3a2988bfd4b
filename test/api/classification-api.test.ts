/** The classification API (port 8080): probes, intent classification, info endpoints, errors. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ApiServer, type ApiServerOptions } from '../../src/api/server.js'
import type { ApiRoute } from '../../src/api/types.js'
import { parseConfigText } from '../../src/config/load.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { postJson, readJson, useRouter, type Json } from '../helpers/router.js'
import { logCapture } from '../helpers/runtime.js'

const CONFIG = `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: 9 }
model_config:
  math-model: { preferred_endpoints: [sim], reasoning_family: qwen3 }
  math-lora-base: { preferred_endpoints: [sim], loras: [{ name: math-lora }] }
  general: { preferred_endpoints: [sim] }
default_model: general
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
keyword_rules:
  - { category: math, operator: OR, keywords: [integral, derivative] }
  - { category: law, operator: OR, keywords: [contract] }
categories:
  - name: math
    model_scores:
      - { model: math-model, score: 0.8, use_reasoning: true }
      - { model: math-lora-base, score: 0.9, use_reasoning: false, lora_name: math-lora }
  - name: law
    model_scores: [{ model: general, score: 0.5, use_reasoning: false }]
# Keyword rules only: these tests pin rule behaviour, not the embedded category model.
pipeline:
  classifiers: [{ kind: keyword }]
`

describe('classification API', () => {
  const t = useRouter(CONFIG)

  it('answers /health and /ready', async () => {
    let res = await fetch(`${t.api}/health`)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { status: 'healthy', service: 'classification-api' })
    res = await fetch(`${t.api}/ready`)
    assert.equal(res.status, 200)
    const ready = await readJson(res)
    assert.equal(ready.status, 'ready')
    assert.deepEqual(ready.classifiers, ['keyword'])
  })

  it('classifies intent with the configured chain and recommends the routed model', async () => {
    const res = await postJson(`${t.api}/api/v1/classify/intent`, {
      text: 'What is the integral of x?',
    })
    assert.equal(res.status, 200)
    assert.equal(res.json.classification.category, 'math')
    assert.equal(res.json.classification.confidence, 1)
    assert.equal(res.json.classification.source, 'keyword')
    assert.equal(typeof res.json.classification.processing_time_ms, 'number')
    assert.equal(res.json.recommended_model, 'math-lora', 'highest score wins; lora_name is used')
    assert.equal(res.json.routing_decision, 'high_confidence_specialized')
    assert.equal(res.json.probabilities, undefined, 'only when asked')
  })

  it('returns probabilities when asked, and the default model when nothing matches', async () => {
    let res = await postJson(`${t.api}/api/v1/classify/intent`, {
      text: 'review this contract',
      options: { return_probabilities: true },
    })
    assert.deepEqual(res.json.probabilities, { law: 1 })
    res = await postJson(`${t.api}/api/v1/classify/intent`, {
      text: 'good morning',
      options: { return_probabilities: true, confidence_threshold: 0.5 },
    })
    assert.equal(res.json.classification.category, '')
    assert.equal(res.json.recommended_model, 'general')
    assert.equal(res.json.routing_decision, 'low_confidence_general')
    assert.deepEqual(res.json.probabilities, {})
  })

  it('rejects bad input in upstream error format with stable codes', async () => {
    const check = (res: { status: number; json: Json }, status: number, code: string): void => {
      assert.equal(res.status, status)
      assert.equal(res.json.error.code, code)
      assert.equal(typeof res.json.error.message, 'string')
      assert.ok(!Number.isNaN(Date.parse(res.json.error.timestamp)))
    }
    const url = `${t.api}/api/v1/classify/intent`
    check(await postJson(url, '{"text":'), 400, 'INVALID_JSON')
    check(await postJson(url, { text: '' }), 400, 'INVALID_REQUEST')
    check(await postJson(url, { text: 5 }), 400, 'INVALID_REQUEST')
    check(
      await postJson(url, { text: 'x', options: { return_probabilities: 'yes' } }),
      400,
      'INVALID_REQUEST',
    )
    check(await postJson(url, ['text']), 400, 'INVALID_REQUEST')
    check(await postJson(url, { text: 'x'.repeat(11 * 1024 * 1024) }), 413, 'BODY_TOO_LARGE')
    check(await postJson(`${t.api}/api/v1/nothing`, {}), 404, 'ROUTE_NOT_FOUND')
    const res = await fetch(url)
    assert.equal(res.headers.get('allow'), 'POST')
    check({ status: res.status, json: await readJson(res) }, 405, 'METHOD_NOT_ALLOWED')
  })

  it('describes models and the loaded config', async () => {
    const models = await readJson(await fetch(`${t.api}/info/models`))
    assert.equal(models.models[0].name, 'keyword_classifier')
    assert.deepEqual([...models.models[0].categories].sort(), ['law', 'math'])
    assert.equal(models.system.gpu_available, false)
    const info = await readJson(await fetch(`${t.api}/info/classifier`))
    assert.equal(info.status, 'config_loaded')
    assert.equal(info.config.default_model, 'general')
    assert.equal(info.config_hash.length, 64)
    const list = await readJson(await fetch(`${t.api}/v1/models`))
    assert.equal(list.object, 'list')
    const ids = list.data.map((m: { id: string }) => m.id)
    for (const id of ['MoM', 'math-model', 'general', 'math-lora']) assert.ok(ids.includes(id), id)
  })
})

/** An API server with no runtime yet (the router still loading its models). */
async function withStartingServer(
  options: Partial<ApiServerOptions>,
  run: (url: string, metrics: RouterMetrics) => Promise<void>,
): Promise<void> {
  const metrics = new RouterMetrics()
  const server = new ApiServer({
    log: createLogger({ level: 'silent' }),
    metrics,
    runtimes: () => undefined,
    startedAt: new Date(),
    maxBodyBytes: 1024,
    ...options,
  })
  const { url } = await server.listen(0, '127.0.0.1')
  try {
    await run(url, metrics)
  } finally {
    await server.close()
  }
}

describe('classification API before the models are loaded', () => {
  it('answers /health but 503 NOT_READY on /ready and classification', async () => {
    const { config } = parseConfigText(
      'api: { batch_classification: { metrics: { enabled: true } } }\n',
    )
    await withStartingServer({ startupConfig: config }, async (url, metrics) => {
      assert.equal((await fetch(`${url}/health`)).status, 200)
      const ready = await fetch(`${url}/ready`)
      assert.equal(ready.status, 503)
      assert.equal((await readJson(ready)).error.code, 'NOT_READY')
      const res = await postJson(`${url}/api/v1/classify/intent`, { text: 'hi' })
      assert.equal(res.status, 503)
      const batch = await postJson(`${url}/api/v1/classify/batch`, { texts: ['hi'] })
      assert.equal(batch.status, 503)
      assert.match(
        await metrics.registry.metrics(),
        /batch_classification_errors_total\{processing_type="unified",error_type="classifier_unavailable"\} 1/,
      )
    })
  })

  it('logs readiness polls during start-up at debug, not as errors', async () => {
    const capture = logCapture()
    const log = createLogger({ level: 'debug', destination: capture.stream })
    await withStartingServer({ log }, async (url) => {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}/ready`)).status, 503)
      assert.equal((await postJson(`${url}/api/v1/classify/intent`, { text: 'hi' })).status, 503)
    })
    const levels = capture.lines
      .filter((l) => l.event === 'request_error' && l['code'] === 'not_ready')
      .map((l) => `${String(l['path'])}:${l.level}`)
    assert.deepEqual(levels, [
      '/ready:debug',
      '/ready:debug',
      '/ready:debug',
      '/api/v1/classify/intent:info',
    ])
    assert.equal(capture.lines.filter((l) => l.level === 'error').length, 0)
  })

  it('bounds each route by a time budget (504 PROCESSING_TIMEOUT), telling the route', async () => {
    const rejected: string[] = []
    const slow: ApiRoute = {
      method: 'GET',
      path: '/slow',
      summary: 'never answers',
      handle: () => new Promise(() => undefined),
      rejected: (err) => rejected.push(err.code),
    }
    await withStartingServer({ routes: [slow], routeTimeoutMs: 50 }, async (url) => {
      const res = await fetch(`${url}/slow`)
      assert.equal(res.status, 504)
      assert.equal((await readJson(res)).error.code, 'PROCESSING_TIMEOUT')
      assert.deepEqual(rejected, ['processing_timeout'])
    })
  })
})
