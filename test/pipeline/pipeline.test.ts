import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { RouterError } from '../../src/errors.js'
import { ResponseTracker } from '../../src/pipeline/response-tracker.js'
import type { PipelineModule, RequestOutcome } from '../../src/pipeline/types.js'
import { chatBody, makeRuntime, meta, type TestRuntime } from '../helpers/runtime.js'

const CONFIG = `
vllm_endpoints:
  - { name: big, address: 127.0.0.1, port: 9001, weight: 2 }
  - { name: small, address: "::1", port: 9002, weight: 1 }
model_config:
  qwen3-32b: { reasoning_family: qwen3, preferred_endpoints: [big], pricing: { prompt_per_1m: 1, completion_per_1m: 2 } }
  deepseek-v3: { reasoning_family: deepseek, preferred_endpoints: [big] }
  gpt-oss-20b: { reasoning_family: gpt-oss, preferred_endpoints: [small] }
  llama: { preferred_endpoints: [small], loras: [{ name: history-lora }] }
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
  deepseek: { type: chat_template_kwargs, parameter: thinking }
  gpt-oss: { type: reasoning_effort, parameter: reasoning_effort }
default_reasoning_effort: medium
keyword_rules:
  - { category: math, operator: OR, keywords: [integral, derivative] }
  - { category: physics, operator: OR, keywords: [quantum] }
  - { category: history, operator: OR, keywords: [napoleon] }
  - { category: code, operator: OR, keywords: [python] }
categories:
  - name: math
    system_prompt: "You are a mathematician."
    model_scores:
      - { model: gpt-oss-20b, score: 0.5, use_reasoning: false }
      - { model: qwen3-32b, score: 0.9, use_reasoning: true }
  - name: physics
    model_scores:
      - { model: gpt-oss-20b, score: 1, use_reasoning: true, reasoning_effort: high }
  - name: history
    system_prompt: "You are a historian."
    system_prompt_mode: insert
    model_scores:
      - { model: llama, score: 1, use_reasoning: false, lora_name: history-lora }
  - name: code
    model_scores:
      - { model: deepseek-v3, score: 1, use_reasoning: false }
default_model: qwen3-32b
# Keyword rules only: these tests pin rule behaviour, not the embedded category model.
pipeline:
  classifiers: [{ kind: keyword }]
`

function forward(outcome: RequestOutcome) {
  assert.equal(outcome.action, 'forward')
  return { outcome, sent: JSON.parse(outcome.body.toString()) as Record<string, unknown> }
}

describe('pipeline', () => {
  let t: TestRuntime
  const ready = makeRuntime(CONFIG).then((x) => (t = x))
  after(() => t.runtime.close())

  it('routes an auto request to the best model of its category with reasoning on', async () => {
    await ready
    const { outcome, sent } = forward(
      await t.runtime.pipeline.handleRequest(chatBody('What is the integral of x^2?'), meta()),
    )
    assert.equal(sent['model'], 'qwen3-32b')
    assert.deepEqual(sent['chat_template_kwargs'], { enable_thinking: true })
    assert.deepEqual((sent['messages'] as unknown[])[0], {
      role: 'system',
      content: 'You are a mathematician.',
    })
    const ctx = outcome.ctx
    assert.equal(ctx.category, 'math')
    assert.equal(ctx.endpoint?.hostPort, '127.0.0.1:9001')
    assert.equal(ctx.upstreamHeaders.get('x-selected-model'), 'qwen3-32b')
    assert.equal(ctx.upstreamHeaders.get('x-vsr-selected-category'), 'math')
    assert.deepEqual(Object.fromEntries(ctx.responseHeaders), {
      'x-vsr-selected-endpoint': 'big',
      'x-vsr-selected-recipe': 'default',
      'x-vsr-selected-decision': 'math',
      'x-vsr-selected-confidence': '1.0000',
      'x-vsr-selected-algorithm': 'static',
      'x-vsr-selected-model': 'qwen3-32b',
      'x-vsr-selected-category': 'math',
      'x-vsr-selected-reasoning': 'on',
      'x-vsr-selected-reasoning-effort': 'medium',
      'x-vsr-injected-system-prompt': 'true',
    })
  })

  it('writes explicit false for a chat_template_kwargs family when reasoning is off', async () => {
    await ready
    const { sent } = forward(
      await t.runtime.pipeline.handleRequest(chatBody('write python to sort a list'), meta()),
    )
    assert.equal(sent['model'], 'deepseek-v3')
    assert.deepEqual(sent['chat_template_kwargs'], { thinking: false })
  })

  it('uses the model score effort for reasoning_effort families', async () => {
    await ready
    const { sent, outcome } = forward(
      await t.runtime.pipeline.handleRequest(chatBody('explain quantum tunnelling'), meta()),
    )
    assert.equal(sent['model'], 'gpt-oss-20b')
    assert.equal(sent['reasoning_effort'], 'high')
    assert.equal(outcome.ctx.endpoint?.hostPort, '[::1]:9002')
  })

  it('replaces the model with the LoRA adapter name and inserts the prompt', async () => {
    await ready
    const body = Buffer.from(
      JSON.stringify({
        model: 'auto',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Who was Napoleon?' }] },
        ],
        top_k: 5,
      }),
    )
    const { sent, outcome } = forward(await t.runtime.pipeline.handleRequest(body, meta()))
    assert.equal(sent['model'], 'history-lora')
    assert.equal(sent['top_k'], 5, 'unknown fields pass through')
    assert.equal(
      (sent['messages'] as { content: string }[])[0]?.content,
      'You are a historian.\n\nBe brief.',
    )
    assert.equal(outcome.ctx.selectedModel, 'llama')
    assert.equal(outcome.ctx.endpoint?.name, 'small')
  })

  it('falls back to default_model when nothing matches', async () => {
    await ready
    const { sent, outcome } = forward(
      await t.runtime.pipeline.handleRequest(chatBody('tell me a joke'), meta()),
    )
    assert.equal(sent['model'], 'qwen3-32b')
    assert.equal(outcome.ctx.reasonCode, 'default_model')
    assert.equal(outcome.ctx.category, '')
    assert.deepEqual(sent['chat_template_kwargs'], { enable_thinking: false })
  })

  it('passes explicit models through byte for byte', async () => {
    await ready
    const raw = Buffer.from(
      '{"model":"gpt-oss-20b","messages":[{"role":"user","content":"integral"}]}',
    )
    const outcome = await t.runtime.pipeline.handleRequest(raw, meta())
    assert.equal(outcome.action, 'forward')
    assert.equal(outcome.body, raw)
    assert.equal(outcome.ctx.reasonCode, 'model_specified')
    assert.equal(outcome.ctx.responseHeaders.get('x-vsr-selected-reasoning'), 'off')
  })

  it('refuses models the config does not know', async () => {
    await ready
    const raw = Buffer.from('{"model":"gpt-5","messages":[{"role":"user","content":"hi"}]}')
    await assert.rejects(t.runtime.pipeline.handleRequest(raw, meta()), (err: unknown) => {
      assert.ok(err instanceof RouterError)
      assert.equal(err.code, 'model_not_found')
      assert.equal(err.status, 404)
      return true
    })
  })

  it('rejects malformed bodies with stable codes and counts them', async () => {
    await ready
    const cases: [string, string][] = [
      ['{not json', 'invalid_json'],
      ['[]', 'invalid_request'],
      ['{"model":3,"messages":[]}', 'invalid_request'],
      ['{"model":"MoM"}', 'missing_messages'],
      ['{"model":"MoM","messages":[{"content":"no role"}]}', 'invalid_request'],
      ['{"model":"MoM","messages":[{"role":"user","content":{"x":1}}]}', 'invalid_request'],
      [
        '{"model":"MoM","messages":[{"role":"user","content":"x"}],"stream":"yes"}',
        'invalid_request',
      ],
    ]
    for (const [body, code] of cases) {
      await assert.rejects(
        t.runtime.pipeline.handleRequest(Buffer.from(body), meta()),
        (err: unknown) => {
          assert.ok(err instanceof RouterError, body)
          assert.equal(err.code, code, body)
          return true
        },
      )
    }
    assert.match(
      await t.metricsText(),
      /llm_request_errors_total\{model="unknown",reason="parse_error"\} [5-9]/,
    )
  })

  it('records routing metrics with upstream names and labels', async () => {
    await ready
    const text = await t.metricsText()
    assert.match(
      text,
      /llm_model_routing_modifications_total\{source_model="MoM",target_model="qwen3-32b"\} \d/,
    )
    assert.match(
      text,
      /llm_routing_reason_codes_total\{reason_code="auto_routing",model="history-lora"\} 1/,
    )
    assert.match(
      text,
      /llm_routing_reason_codes_total\{reason_code="model_specified",model="gpt-oss-20b"\} 1/,
    )
    assert.match(
      text,
      /llm_reasoning_decisions_total\{category="math",model="qwen3-32b",enabled="true",effort="medium"\} 1/,
    )
    assert.match(
      text,
      /llm_reasoning_template_usage_total\{family="qwen3",param="enable_thinking"\} 1/,
    )
    assert.match(text, /llm_reasoning_effort_usage_total\{family="gpt-oss",effort="high"\} 1/)
    assert.match(text, /llm_category_classifications_count\{category="history"\} 1/)
    assert.match(text, /llm_model_requests_total\{model="MoM"\} \d/)
  })

  it('tracks a streamed response: usage, cost, TTFT and the routing_decision event', async () => {
    await ready
    const outcome = await t.runtime.pipeline.handleRequest(
      chatBody('integral of sin x', { stream: true }),
      meta({ requestId: 'stream-1' }),
    )
    assert.equal(outcome.action, 'forward')
    const tracker = t.runtime.pipeline.startResponse(outcome.ctx)
    const added = tracker.begin(200, { 'content-type': 'text/event-stream' })
    assert.ok(added instanceof Map)
    assert.equal(added.get('x-vsr-selected-category'), 'math')
    const sse =
      'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"qwen3-32b","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"think"}}]}\n\n' +
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"-cos x"},"finish_reason":"stop"}]}\n\n' +
      'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":500,"total_tokens":1500}}\n\ndata: [DONE]\n\n'
    // Split inside a line and inside a multi-byte character to prove chunking does not matter.
    const bytes = Buffer.from(sse)
    for (let i = 0; i < bytes.length; i += 7) tracker.onChunk(bytes.subarray(i, i + 7))
    await tracker.finish()
    const text = await t.metricsText()
    assert.match(text, /llm_model_cost_total\{model="qwen3-32b",currency="USD"\} 0\.002/)
    assert.match(text, /llm_category_cost_total\{category="math",currency="USD"\} 0\.002/)
    assert.match(text, /llm_model_completion_tokens_total\{model="qwen3-32b"\} 500/)
    assert.match(text, /llm_model_ttft_seconds_count\{model="qwen3-32b"\} 1/)
    const decision = t.events('routing_decision').find((e) => e['request_id'] === 'stream-1')
    assert.ok(decision)
    assert.equal(decision['category'], 'math')
    assert.equal(decision['selected_model'], 'qwen3-32b')
    assert.equal(decision['reasoning_enabled'], true)
    assert.equal(decision['total_tokens'], 1500)
    assert.equal(decision['cost'], 0.002)
    assert.equal(decision['reason_code'], 'auto_routing')
  })

  it('builds no routing_decision line when the log level drops it (real logger at warn)', async () => {
    await ready
    /** A request whose decision fields count how often the line's builder reads them. */
    const tracked = async (requestId: string) => {
      const outcome = await t.runtime.pipeline.handleRequest(
        chatBody('integral of tan x'),
        meta({ requestId }),
      )
      assert.equal(outcome.action, 'forward')
      const probe = { reads: 0 }
      Object.defineProperty(outcome.ctx.decisionLog, 'probe', {
        enumerable: true,
        get: () => ++probe.reads,
      })
      return { ctx: outcome.ctx, probe }
    }
    const answer = async (ctx: RequestOutcome['ctx']) => {
      const tracker = t.runtime.pipeline.startResponse(ctx)
      tracker.begin(200, { 'content-type': 'application/json' })
      tracker.onChunk(
        Buffer.from('{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}'),
      )
      await tracker.finish()
    }
    const quiet = await tracked('quiet-1')
    const log = quiet.ctx.log
    const level = log.level
    log.level = 'warn'
    try {
      await answer(quiet.ctx)
    } finally {
      log.level = level
    }
    assert.equal(quiet.probe.reads, 0, 'the line was built at warn')
    assert.equal(
      t.events('routing_decision').filter((e) => e['request_id'] === 'quiet-1').length,
      0,
    )
    // At info the same request shape is built and written, the module's field included.
    const heard = await tracked('heard-1')
    await answer(heard.ctx)
    assert.equal(heard.probe.reads, 1)
    const line = t.events('routing_decision').find((e) => e['request_id'] === 'heard-1')
    assert.equal(line?.['probe'], 1)
    assert.equal(line?.['total_tokens'], 7)
  })

  it('runs every response hook in order, sync or async; a failing one is logged, not fatal', async () => {
    await ready
    const outcome = await t.runtime.pipeline.handleRequest(
      chatBody('integral of cos x'),
      meta({ requestId: 'hooks-1' }),
    )
    assert.equal(outcome.action, 'forward')
    const heard: string[] = []
    const hook = (name: string, onResponse: () => void | Promise<void>): PipelineModule =>
      ({ name, onResponse }) as unknown as PipelineModule
    const tracker = new ResponseTracker(outcome.ctx, {
      modules: [
        hook('sync', () => void heard.push('sync')),
        hook('throws', () => {
          heard.push('throws')
          throw new Error('sync failure')
        }),
        hook('async', async () => {
          await new Promise((r) => setImmediate(r))
          heard.push('async')
        }),
        hook('rejects', () => {
          heard.push('rejects')
          return Promise.reject(new Error('async failure'))
        }),
        hook('last', () => void heard.push('last')),
      ],
      maxResponseBytes: 1 << 20,
    })
    tracker.begin(200, { 'content-type': 'application/json' })
    tracker.onChunk(Buffer.from('{"id":"c2","choices":[]}'))
    await tracker.finish()
    assert.deepEqual(heard, ['sync', 'throws', 'async', 'rejects', 'last'])
    const failed = t
      .events('module_response_hook_failed')
      .filter((e) => e['request_id'] === 'hooks-1')
      .map((e) => [e['module'], e['error']])
    assert.deepEqual(failed, [
      ['throws', 'sync failure'],
      ['rejects', 'async failure'],
    ])
  })

  it('lists the auto model and configured models', async () => {
    await ready
    const list = t.runtime.pipeline.listModels('gateway') as { data: { id: string }[] }
    const ids = list.data.map((m) => m.id)
    assert.equal(ids[0], 'MoM')
    assert.ok(ids.includes('history-lora') && ids.includes('qwen3-32b'))
    const envoy = t.runtime.pipeline.listModels('extproc') as { data: { id: string }[] }
    assert.deepEqual(
      envoy.data.map((m) => m.id),
      ['MoM'],
    )
  })
})
