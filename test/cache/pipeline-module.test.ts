/**
 * The semantic_cache module inside the real pipeline, with the embedded ONNX sentence embedder at the
 * default threshold and guard: lookups, stores from real response tracking (JSON and SSE), replay,
 * coalescing, bypass when the backend or the embedder fails, and configuration gates.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import type { RequestOutcome } from '../../src/pipeline/types.js'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import type { Runtime } from '../../src/pipeline/runtime.js'
import { chatBody, logCapture, meta, type LogLine } from '../helpers/runtime.js'

const BASE = `
model_config:
  model-a: {}
  model-b: {}
default_model: model-a
`

interface CacheRuntime {
  runtime: Runtime
  metrics: RouterMetrics
  logs: LogLine[]
  ask(
    content: string,
    extra?: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<RequestOutcome>
  answer(outcome: RequestOutcome, body?: string, status?: number): Promise<void>
  answerStream(outcome: RequestOutcome, sse: string): Promise<void>
  metric(name: string): Promise<string[]>
}

const open: Runtime[] = []
after(async () => {
  await Promise.all(open.map((r) => r.close()))
})

async function cacheRuntime(cacheYaml: string, extraYaml = ''): Promise<CacheRuntime> {
  const capture = logCapture()
  const log = createLogger({ level: 'debug', destination: capture.stream })
  const metrics = new RouterMetrics()
  const loaded = parseConfigText(`${BASE}\nsemantic_cache:\n${cacheYaml}\n${extraYaml}`)
  const runtime = await buildRuntime(loaded, { log, metrics, baseDir: process.cwd() })
  open.push(runtime)
  return {
    runtime,
    metrics,
    logs: capture.lines,
    ask: (content, extra = {}, signal?: AbortSignal) =>
      runtime.pipeline.handleRequest(
        chatBody(content, { model: 'model-a', ...extra }),
        meta(signal ? { signal } : {}),
      ),
    async answer(outcome, body = completion('an answer'), status = 200) {
      assert.equal(outcome.action, 'forward')
      if (outcome.action !== 'forward') return
      const tracker = runtime.pipeline.startResponse(outcome.ctx)
      tracker.begin(status, { 'content-type': 'application/json' })
      tracker.onChunk(Buffer.from(body))
      await tracker.finish()
    },
    async answerStream(outcome, sse) {
      assert.equal(outcome.action, 'forward')
      if (outcome.action !== 'forward') return
      const tracker = runtime.pipeline.startResponse(outcome.ctx)
      tracker.begin(200, { 'content-type': 'text/event-stream' })
      for (const piece of sse.match(/[\s\S]{1,40}/g) ?? []) tracker.onChunk(Buffer.from(piece))
      await tracker.finish()
    },
    async metric(name) {
      const text = await metrics.registry.metrics()
      return text.split('\n').filter((l) => l.startsWith(name))
    },
  }
}

function completion(content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1700000000,
    model: 'model-a',
    choices: [
      { index: 0, message: { role: 'assistant', content, ...extra }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  })
}

interface Chunk {
  id: string
  object: string
  choices: Array<{
    delta?: { content?: string; reasoning_content?: string }
    finish_reason: string | null
  }>
}

function hitBody(outcome: RequestOutcome): string {
  assert.equal(outcome.action, 'respond', 'expected a cache hit')
  if (outcome.action !== 'respond') return ''
  assert.equal(outcome.response.kind, 'cache_hit')
  assert.equal(outcome.response.headers['x-vsr-cache-hit'], 'true')
  return outcome.response.body
}

/** Default threshold (bert_model.threshold, 0.6) and default verification. */
const MEMORY = '  enabled: true'

describe('semantic_cache module', () => {
  it('stores an answer and serves it for the same and a paraphrased question', async () => {
    const c = await cacheRuntime(MEMORY)
    await c.answer(await c.ask('What is the capital of France?'), completion('Paris'))
    const same = hitBody(await c.ask('What is the capital of France?'))
    assert.equal(JSON.parse(same).choices[0].message.content, 'Paris')
    const paraphrase = await c.ask("what's the capital of france")
    assert.equal(JSON.parse(hitBody(paraphrase)).choices[0].message.content, 'Paris')
    assert.deepEqual(await c.metric('llm_cache_hits_total'), ['llm_cache_hits_total 2'])
    assert.deepEqual(await c.metric('llm_cache_misses_total'), ['llm_cache_misses_total 1'])
    assert.ok(
      (await c.metric('llm_cache_hit_ratio')).includes('llm_cache_hit_ratio 0.6666666666666666'),
    )
    assert.equal(c.logs.filter((l) => l.event === 'cache_hit').length, 2)
    assert.ok(c.logs.every((l) => !(l.level === 'info' && JSON.stringify(l).includes('France'))))
  })

  it('rejects a close vector match that asks something else (hard negative)', async () => {
    const c = await cacheRuntime(MEMORY)
    await c.answer(await c.ask('What is the capital of France?'), completion('Paris'))
    const spain = await c.ask('What is the capital of Spain?')
    assert.equal(spain.action, 'forward')
    const lines = await c.metric('llm_cache_verification_rejections_total{')
    assert.deepEqual(lines, ['llm_cache_verification_rejections_total{reason="entities"} 1'])
  })

  it('keys entries by the model that answers', async () => {
    const c = await cacheRuntime(MEMORY)
    await c.answer(await c.ask('Explain recursion'), completion('from a'))
    const other = await c.ask('Explain recursion', { model: 'model-b' })
    assert.equal(other.action, 'forward')
    assert.equal(
      JSON.parse(hitBody(await c.ask('Explain recursion'))).choices[0].message.content,
      'from a',
    )
  })

  it('does not store errors, and caches only single-turn prompts by default', async () => {
    const c = await cacheRuntime(MEMORY)
    await c.answer(await c.ask('Tell me a joke'), '{"error":{"message":"boom"}}', 500)
    assert.equal((await c.ask('Tell me a joke')).action, 'forward')
    const history = {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: 'Tell me a riddle' },
      ],
    }
    await c.answer(await c.ask('', history), completion('riddle'))
    assert.equal((await c.ask('', history)).action, 'forward')
    const skipped = c.logs.filter((l) => l.event === 'cache_skipped')
    assert.deepEqual(
      skipped.map((l) => l['reason']),
      ['multi_turn', 'multi_turn'],
      'multi-turn requests never reach the embedder',
    )
  })

  it('caches multi-turn conversations when enabled, keyed by the whole history', async () => {
    const c = await cacheRuntime(`${MEMORY}\n  multi_turn: true`)
    const turns = (first: string) => ({
      messages: [
        { role: 'user', content: first },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'And in winter?' },
      ],
    })
    await c.answer(await c.ask('', turns('Weather in Oslo')), completion('cold'))
    assert.equal(hitBody(await c.ask('', turns('Weather in Oslo'))).includes('cold'), true)
    assert.equal((await c.ask('', turns('Weather in Rome'))).action, 'forward')
  })

  it('stores streamed answers (with reasoning) and replays them as JSON or SSE', async () => {
    const c = await cacheRuntime(MEMORY)
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-s', object: 'chat.completion.chunk', created: 1, model: 'model-a', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
    const sse =
      chunk({ role: 'assistant', content: '' }) +
      chunk({ reasoning_content: 'Think: 2 and 2. ' }) +
      chunk({ content: 'The answer ' }) +
      chunk({ content: 'is 4.' }) +
      chunk({}, 'stop') +
      'data: [DONE]\n\n'
    await c.answerStream(await c.ask('What is 2 + 2?', { stream: true }), sse)

    const json = JSON.parse(hitBody(await c.ask('What is 2 + 2?')))
    assert.equal(json.choices[0].message.content, 'The answer is 4.')
    assert.equal(json.choices[0].message.reasoning_content, 'Think: 2 and 2. ')

    const streamed = await c.ask('What is 2 + 2?', { stream: true })
    const body = hitBody(streamed)
    assert.equal(
      streamed.action === 'respond' && streamed.response.headers['content-type'],
      'text/event-stream',
    )
    const events = body.split('\n\n').filter((e) => e.startsWith('data: '))
    assert.equal(events.at(-1), 'data: [DONE]')
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as Chunk)
    assert.ok(chunks.every((ch) => ch.object === 'chat.completion.chunk' && ch.id === 'chatcmpl-s'))
    const text = chunks.map((ch) => ch.choices[0]?.delta?.content ?? '').join('')
    const reasoning = chunks.map((ch) => ch.choices[0]?.delta?.reasoning_content ?? '').join('')
    assert.equal(text, 'The answer is 4.')
    assert.equal(reasoning, 'Think: 2 and 2. ')
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'stop')
  })

  it('lets identical concurrent misses wait for the first answer', async () => {
    const c = await cacheRuntime(MEMORY)
    const leader = await c.ask('Describe the water cycle')
    const follower = c.ask('Describe  the water cycle')
    // The follower joins the leader's flight right after logging its own miss (no await between):
    // answer only then, however long its embedding takes on a loaded machine.
    const misses = () => c.logs.filter((l) => l['event'] === 'cache_miss').length
    for (const until = Date.now() + 30_000; misses() < 2 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 5))
    assert.equal(misses(), 2)
    await c.answer(leader, completion('evaporation, condensation'))
    const served = await follower
    assert.ok(hitBody(served).includes('condensation'))
    assert.equal(
      served.action === 'respond' && served.response.headers['x-vsr-cache-coalesced'],
      'true',
    )
    assert.deepEqual(await c.metric('llm_cache_coalesced_requests_total'), [
      'llm_cache_coalesced_requests_total{result="hit"} 1',
    ])
  })

  it('bounds the wait when the first request never answers', async () => {
    const c = await cacheRuntime(`${MEMORY}\n  coalesce_wait_ms: 50`)
    const leader = await c.ask('Name a prime number')
    assert.equal(leader.action, 'forward')
    const follower = await c.ask('Name a prime number')
    assert.equal(follower.action, 'forward')
  })

  it('follows per-category switches and TTLs', async () => {
    const c = await cacheRuntime(
      `${MEMORY}\n  category_ttl_seconds: { news: 1 }`,
      `keyword_rules:
  - { category: news, operator: OR, keywords: [headline] }
  - { category: chat, operator: OR, keywords: [hello] }
categories:
  - { name: news, model_scores: [{ model: model-a, score: 1, use_reasoning: false }] }
  - { name: chat, semantic_cache_enabled: false, model_scores: [{ model: model-a, score: 1, use_reasoning: false }] }`,
    )
    const auto = { model: 'MoM' }
    await c.answer(await c.ask('hello there', auto), completion('hi'))
    assert.equal((await c.ask('hello there', auto)).action, 'forward')
    await c.answer(await c.ask('todays headline', auto), completion('news'))
    assert.equal((await c.ask('todays headline', auto)).action, 'respond')
  })

  it('bypasses a backend that is down and keeps serving', async () => {
    const c = await cacheRuntime(
      `  enabled: true\n  backend_type: postgres\n  failure_threshold: 2\n  lookup_timeout_ms: 500\n  backend: { postgres: { connection_string: "postgres://u@127.0.0.1:1/db", statement_timeout_ms: 200 } }`,
    )
    for (let i = 0; i < 3; i++) await c.answer(await c.ask(`question ${i}`), completion('a'))
    const bypass = await c.metric('llm_cache_bypass_total{')
    assert.ok(
      bypass.some((l) => l.includes('reason="error"')),
      bypass.join('\n'),
    )
    assert.ok(
      bypass.some((l) => l.includes('reason="circuit_open"')),
      bypass.join('\n'),
    )
    assert.deepEqual(await c.metric('llm_cache_backend_up{'), [
      'llm_cache_backend_up{backend="postgres"} 0',
    ])
    assert.ok(c.logs.some((l) => l.event === 'cache_backend_failed' && l.level === 'warn'))
  })

  it('keeps serving without a cache when the embedder fails', async () => {
    const c = await cacheRuntime(MEMORY)
    // The embedder rejects work whose request was aborted: the cache steps aside, nothing fails.
    const aborted = AbortSignal.abort(new Error('client went away'))
    assert.equal((await c.ask('Anything', {}, aborted)).action, 'forward')
    assert.deepEqual(await c.metric('llm_cache_bypass_total{'), [
      'llm_cache_bypass_total{backend="memory",reason="embedding_error"} 1',
    ])
  })

  it("loads upstream's milvus config and serves without a cache", async () => {
    const c = await cacheRuntime(
      '  enabled: true\n  backend_type: milvus\n  backend_config_path: test/fixtures/upstream-configs/semantic-cache_milvus.yaml',
    )
    assert.equal((await c.ask('Anything')).action, 'forward')
    const line = c.logs.find((l) => l.event === 'cache_backend_unavailable')
    assert.equal(line?.level, 'error')
    assert.equal(line?.['code'], 'cache_backend_unavailable')
    assert.deepEqual(await c.metric('llm_cache_backend_up{'), [
      'llm_cache_backend_up{backend="milvus"} 0',
    ])
  })
})
