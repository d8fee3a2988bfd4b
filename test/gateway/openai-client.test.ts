/**
 * The official `openai` client through the gateway to the simulator: streaming and non-streaming,
 * with assertions on what the simulator received, on response headers, metrics and log events.
 */
import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import OpenAI from 'openai'
import type { Simulator } from '../../src/simulator/index.js'
import {
  FAMILY_MODELS,
  familiesConfig,
  startRouter,
  startSim,
  type TestRouter,
  type Json,
} from '../helpers/router.js'

describe('gateway with the openai client', () => {
  let sim: Simulator
  let router: TestRouter
  let client: OpenAI

  before(async () => {
    sim = await startSim({ models: FAMILY_MODELS })
    sim.setBehaviour('plain-model', { supportsReasoning: false })
    router = await startRouter(familiesConfig(sim.port))
    client = new OpenAI({ baseURL: router.baseURL, apiKey: 'sk-test', maxRetries: 0 })
  })
  after(async () => {
    await router.close()
    await sim.close()
  })
  beforeEach(() => sim.clearReceived())

  const lastReceived = (): Json => {
    const chats = sim.receivedChats()
    assert.ok(chats.length > 0, 'the simulator received the request')
    return chats[chats.length - 1]!.json
  }

  it('routes a non-streaming auto request, rewrites the model and turns qwen3 thinking on', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'MoM', messages: [{ role: 'user', content: 'Solve this integral' }] })
      .withResponse()
    assert.equal(data.object, 'chat.completion')
    assert.equal(data.model, 'qwen3-8b')
    assert.ok((data.choices[0]?.message.content ?? '').length > 0)
    assert.ok(data.usage && data.usage.total_tokens > 0)

    assert.equal(response.headers.get('x-vsr-selected-model'), 'qwen3-8b')
    assert.equal(response.headers.get('x-vsr-selected-category'), 'math')
    assert.equal(response.headers.get('x-vsr-selected-reasoning'), 'on')
    assert.equal(response.headers.get('x-vsr-injected-system-prompt'), 'true')
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/)

    const body = lastReceived()
    assert.equal(body.model, 'qwen3-8b')
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: true })
    assert.deepEqual(body.messages[0], { role: 'system', content: 'You are a mathematician.' })
    assert.equal(body.messages[1].content, 'Solve this integral')
  })

  it('sends an explicit false when qwen3 reasoning is off', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'MoM', messages: [{ role: 'user', content: 'how is the weather' }] })
      .withResponse()
    assert.equal(response.headers.get('x-vsr-selected-reasoning'), 'off')
    assert.equal(response.headers.get('x-vsr-injected-system-prompt'), 'false')
    const body = lastReceived()
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false })
    assert.equal(body.messages.length, 1)
  })

  it('uses the deepseek parameter and inserts the system prompt before the existing one', async () => {
    await client.chat.completions.create({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'write python' },
      ],
    })
    const body = lastReceived()
    assert.equal(body.model, 'deepseek-v31')
    assert.deepEqual(body.chat_template_kwargs, { thinking: true })
    assert.equal(body.messages[0].content, 'Prefer runnable code.\n\nBe brief.')
  })

  it('sets reasoning_effort for gpt-oss and no reasoning fields for a model without a family', async () => {
    await client.chat.completions.create({
      model: 'MoM',
      messages: [{ role: 'user', content: 'an essay please' }],
    })
    let body = lastReceived()
    assert.equal(body.model, 'gpt-oss-20b')
    assert.equal(body.reasoning_effort, 'high')
    assert.equal(body.chat_template_kwargs, undefined)

    await client.chat.completions.create({
      model: 'MoM',
      messages: [{ role: 'user', content: 'hello' }],
      // Client-sent reasoning fields meant for another model are removed for a family-less model.
      reasoning_effort: 'high',
    })
    body = lastReceived()
    assert.equal(body.model, 'plain-model')
    assert.equal(body.reasoning_effort, undefined)
    assert.equal(body.chat_template_kwargs, undefined)
  })

  it('streams SSE through, chunk by chunk, with usage in the last chunk', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'MoM',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Solve this integral' }],
      })
      .withResponse()
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
    assert.equal(response.headers.get('x-vsr-selected-model'), 'qwen3-8b')
    let content = ''
    let reasoning = ''
    let chunks = 0
    let usage: OpenAI.CompletionUsage | undefined | null
    for await (const chunk of stream) {
      chunks++
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string }
      content += delta?.content ?? ''
      reasoning += delta?.reasoning_content ?? ''
      if (chunk.usage) usage = chunk.usage
    }
    assert.ok(chunks > 10, `many chunks (${chunks})`)
    assert.ok(content.length > 0)
    assert.ok(reasoning.length > 0, 'thinking on: the simulator streams reasoning_content')
    assert.ok(usage && usage.completion_tokens > 0)
    assert.equal(lastReceived().stream, true)
  })

  it('passes an explicit configured model through without rewriting it', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'deepseek-v31', messages: [{ role: 'user', content: 'write python' }] })
      .withResponse()
    assert.equal(response.headers.get('x-vsr-selected-model'), 'deepseek-v31')
    const body = lastReceived()
    assert.equal(body.model, 'deepseek-v31')
    assert.equal(body.chat_template_kwargs, undefined)
  })

  it('lists the auto model and the configured models', async () => {
    const ids = []
    for await (const model of client.models.list()) ids.push(model.id)
    assert.ok(ids.includes('MoM'))
    for (const m of FAMILY_MODELS) assert.ok(ids.includes(m), m)
  })

  it('echoes a client request id and forwards it upstream', async () => {
    await client.chat.completions.create(
      { model: 'MoM', messages: [{ role: 'user', content: 'hello' }] },
      { headers: { 'x-request-id': 'req-abc-123' } },
    )
    const received = sim.receivedChats().at(-1)!
    assert.equal(received.headers['x-request-id'], 'req-abc-123')
    const decision = router.events('routing_decision').find((e) => e.request_id === 'req-abc-123')
    assert.ok(decision, 'routing_decision logged with the request id')
  })

  it('counts requests, routing, tokens and cost in Prometheus metrics', async () => {
    await client.chat.completions.create({
      model: 'MoM',
      messages: [{ role: 'user', content: 'integral again' }],
    })
    const text = await router.metricsText()
    assert.match(text, /llm_model_requests_total\{model="MoM"\} \d+/)
    assert.match(
      text,
      /llm_model_routing_modifications_total\{source_model="MoM",target_model="qwen3-8b"\} \d+/,
    )
    assert.match(
      text,
      /llm_routing_reason_codes_total\{reason_code="auto_routing",model="qwen3-8b"\}/,
    )
    assert.match(text, /llm_model_completion_tokens_total\{model="qwen3-8b"\} [1-9]/)
    assert.match(text, /llm_model_cost_total\{model="qwen3-8b",currency="USD"\} [0-9.e-]+/)
    assert.match(text, /llm_model_completion_latency_seconds_count\{model="qwen3-8b"\} [1-9]/)
    assert.match(
      text,
      /llm_reasoning_decisions_total\{category="math",model="qwen3-8b",enabled="true"/,
    )
    assert.match(text, /llm_router_inflight_requests\{transport="gateway"\} 0/)
    assert.match(text, /process_resident_memory_bytes/)

    // The same text is served by the metrics listener.
    const scraped = await (await fetch(`${router.metricsUrl}/metrics`)).text()
    assert.match(scraped, /llm_model_requests_total\{model="MoM"\}/)
  })

  it('logs one routing_decision per request with tokens and the decision', async () => {
    const before = router.events('routing_decision').length
    await client.chat.completions.create({
      model: 'MoM',
      messages: [{ role: 'user', content: 'integral of x' }],
    })
    const events = router.events('routing_decision')
    assert.equal(events.length, before + 1)
    const e = events.at(-1)!
    assert.equal(e.category, 'math')
    assert.equal(e.selected_model, 'qwen3-8b')
    assert.equal(e.reasoning_enabled, true)
    assert.equal(typeof e.request_id, 'string')
    assert.ok(JSON.stringify(e).indexOf('integral of x') === -1, 'no prompt text in the log')
  })
})
