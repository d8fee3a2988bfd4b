// The simulator as an OpenAI-compatible server: driven by the official openai client and raw fetch.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import OpenAI from 'openai'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import { readJson, type ChatJson, type ErrorJson } from './wire.js'

let sim: Simulator
let client: OpenAI

before(async () => {
  sim = await startSimulator({
    models: [
      'qwen3-8b',
      { name: 'plain-model', behaviour: { supportsReasoning: false, outputTokens: 5 } },
      { name: 'chunky', behaviour: { tokensPerChunk: 4, outputTokens: 10 } },
    ],
    defaults: { outputTokens: 20, reasoningTokens: 8 },
  })
  client = new OpenAI({ baseURL: sim.baseUrl, apiKey: 'unused', maxRetries: 0 })
})
after(() => sim.close())

const ask = (content: string) => [{ role: 'user' as const, content }]

async function rawPost(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${sim.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

function sseEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6))
}

describe('simulator: OpenAI-compatible chat completions', () => {
  it('answers JSON with usage, echoing the model and naming itself a simulator', async () => {
    const r = await client.chat.completions.create({ model: 'qwen3-8b', messages: ask('hello') })
    assert.equal(r.model, 'qwen3-8b')
    assert.equal(r.object, 'chat.completion')
    assert.equal(r.system_fingerprint, 'semantic-router-simulator')
    assert.match(r.choices[0]!.message.content!, /semantic-router simulator/)
    assert.equal(r.choices[0]!.finish_reason, 'stop')
    assert.equal(r.usage!.completion_tokens, 20)
    assert.equal(r.usage!.total_tokens, r.usage!.prompt_tokens + 20)
  })

  it('streams SSE chunks ending in [DONE], with a usage chunk when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen3-8b',
      messages: ask('hello'),
      stream: true,
      stream_options: { include_usage: true },
    })
    let text = ''
    let usage: OpenAI.CompletionUsage | undefined
    let finish
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      finish ??= chunk.choices[0]?.finish_reason ?? undefined
      if (chunk.usage) usage = chunk.usage
    }
    assert.match(text, /^Simulated answer from qwen3-8b/)
    assert.equal(finish, 'stop')
    assert.equal(usage?.completion_tokens, 20)

    const res = await rawPost({ model: 'qwen3-8b', messages: ask('hello'), stream: true })
    assert.match(res.headers.get('content-type')!, /text\/event-stream/)
    assert.equal(res.headers.get('x-simulator'), 'semantic-router-simulator')
    const events = sseEvents(await res.text())
    assert.equal(events.at(-1), '[DONE]')
    const first = JSON.parse(events[0]!)
    assert.deepEqual(first.choices[0].delta, { role: 'assistant', content: '' })
    // Without include_usage no chunk carries usage; the one before [DONE] has the finish reason.
    assert.ok(events.slice(0, -1).every((e) => JSON.parse(e).usage === undefined))
    assert.equal(JSON.parse(events.at(-2)!).choices[0].finish_reason, 'stop')
    // 1 role chunk + 20 token chunks + finish chunk + [DONE]
    assert.equal(events.length, 23)
  })

  it('groups tokens per SSE event when configured', async () => {
    const res = await rawPost({ model: 'chunky', messages: ask('x'), stream: true })
    const events = sseEvents(await res.text())
    // role + ceil(10/4)=3 content events + finish + [DONE]
    assert.equal(events.length, 6)
  })

  it('caps output at max_tokens with finish_reason length', async () => {
    const r = await client.chat.completions.create({
      model: 'qwen3-8b',
      messages: ask('hello'),
      max_tokens: 3,
    })
    assert.equal(r.usage!.completion_tokens, 3)
    assert.equal(r.choices[0]!.finish_reason, 'length')
  })

  it('gives the same answer to the same prompt', async () => {
    const a = await client.chat.completions.create({ model: 'qwen3-8b', messages: ask('same') })
    const b = await client.chat.completions.create({ model: 'qwen3-8b', messages: ask('same') })
    assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content)
  })

  it('lists its models as owned by the simulator, and answers /health', async () => {
    const models = await client.models.list()
    assert.deepEqual(
      models.data.map((m) => [m.id, m.owned_by]),
      [
        ['qwen3-8b', 'semantic-router-simulator'],
        ['plain-model', 'semantic-router-simulator'],
        ['chunky', 'semantic-router-simulator'],
      ],
    )
    const health = await fetch(`${sim.url}/health`)
    assert.equal(health.status, 200)
    assert.equal(health.headers.get('x-simulator'), 'semantic-router-simulator')
  })
})

describe('simulator: reasoning fields', () => {
  type WithReasoning = { reasoning_content?: string }
  async function reasoningOf(extra: Record<string, unknown>, model = 'qwen3-8b') {
    const res = await rawPost({ model, messages: ask('think'), ...extra })
    const json = await readJson<ChatJson>(res)
    return {
      text: json.choices[0]!.message.reasoning_content,
      reasoningTokens: json.usage.completion_tokens_details?.reasoning_tokens ?? 0,
      completion: json.usage.completion_tokens,
    }
  }

  it('thinks when chat_template_kwargs turns it on (Qwen3 and DeepSeek switches)', async () => {
    const qwen = await reasoningOf({ chat_template_kwargs: { enable_thinking: true } })
    assert.match(qwen.text!, /^Simulated reasoning by qwen3-8b/)
    assert.equal(qwen.reasoningTokens, 16) // medium = 2 x 8
    assert.equal(qwen.completion, 36) // reasoning makes the output longer
    const deepseek = await reasoningOf({ chat_template_kwargs: { thinking: true } })
    assert.equal(deepseek.reasoningTokens, 16)
  })

  it('makes reasoning proportional to reasoning_effort', async () => {
    const counts = []
    for (const effort of ['low', 'medium', 'high']) {
      counts.push((await reasoningOf({ reasoning_effort: effort })).reasoningTokens)
    }
    assert.deepEqual(counts, [8, 16, 32])
  })

  it('does not think on explicit false, by default, or for a model without reasoning', async () => {
    for (const extra of [
      { chat_template_kwargs: { enable_thinking: false } },
      { chat_template_kwargs: { thinking: false }, reasoning_effort: 'high' },
      {},
    ]) {
      const r = await reasoningOf(extra)
      assert.equal(r.text, undefined, JSON.stringify(extra))
      assert.equal(r.reasoningTokens, 0)
    }
    const plain = await reasoningOf({ reasoning_effort: 'high' }, 'plain-model')
    assert.equal(plain.text, undefined)
    assert.equal(plain.completion, 5)
  })

  it('streams reasoning as delta.reasoning_content before the content', async () => {
    const stream = await client.chat.completions.create({
      model: 'qwen3-8b',
      messages: ask('think'),
      stream: true,
      stream_options: { include_usage: true },
      reasoning_effort: 'low',
    })
    const order: string[] = []
    let reasoning = ''
    let usage
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (WithReasoning & { content?: string }) | undefined
      if (delta?.reasoning_content) {
        reasoning += delta.reasoning_content
        order.push('r')
      } else if (delta?.content) order.push('c')
      if (chunk.usage) usage = chunk.usage
    }
    assert.match(reasoning, /^Simulated reasoning by qwen3-8b/)
    assert.equal(order.join('').replace(/r+/, 'R').replace(/c+/, 'C'), 'RC')
    assert.equal(
      (usage as ChatJson['usage'] | undefined)?.completion_tokens_details?.reasoning_tokens,
      8,
    )
  })
})

describe('simulator: bad requests', () => {
  it('answers 400 for malformed JSON, a missing model or messages, bad max_tokens', async () => {
    for (const body of [
      '{"model": "qwen3-8b", "messages": [',
      { messages: ask('x') },
      { model: 'qwen3-8b', messages: [] },
      { model: 'qwen3-8b', messages: ['nope'] },
      { model: 'qwen3-8b', messages: ask('x'), max_tokens: -1 },
    ]) {
      const res = await rawPost(body)
      assert.equal(res.status, 400, JSON.stringify(body))
      const json = await readJson<ErrorJson>(res)
      assert.equal(json.error.code, 400)
      assert.equal(json.error.type, 'BadRequestError')
    }
  })

  it('answers 404 for an unknown model, listing what it serves', async () => {
    const res = await rawPost({ model: 'gpt-9', messages: ask('x') })
    assert.equal(res.status, 404)
    const json = await readJson<ErrorJson>(res)
    assert.match(json.error.message, /gpt-9.*qwen3-8b, plain-model, chunky/)
  })

  it('answers 404 for unknown routes and 405 for wrong methods', async () => {
    assert.equal((await fetch(`${sim.url}/v2/nothing`)).status, 404)
    assert.equal((await fetch(`${sim.url}/v1/chat/completions`)).status, 405)
  })
})

describe('simulator: options', () => {
  it('serves unknown model names when asked to', async () => {
    const open = await startSimulator({ models: ['base'], acceptUnknownModels: true })
    try {
      const res = await fetch(`${open.baseUrl}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'anything', messages: ask('x') }),
      })
      assert.equal(res.status, 200)
      assert.equal((await readJson<ChatJson>(res)).model, 'anything')
    } finally {
      await open.close()
    }
  })

  it('rejects duplicate or missing model names at start', async () => {
    await assert.rejects(startSimulator({ models: ['a', 'a'] }), /listed twice/)
    await assert.rejects(startSimulator({ models: [] }), /at least one model/)
    await assert.rejects(
      startSimulator({ models: [{ name: 'a', behaviour: { ttftMs: -1 } }] }),
      /ttftMs/,
    )
  })

  it('binds to 127.0.0.1 by default', () => {
    assert.equal(sim.host, '127.0.0.1')
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
