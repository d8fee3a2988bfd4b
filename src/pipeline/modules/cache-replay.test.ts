import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseChatRequest } from '../../openai/parse.js'
import type { ResponseRecord } from '../types.js'
import { Coalescer, coalesceKey } from '../../cache/coalescer.js'
import { cacheableCompletion, replayResponse, splitText } from './cache-replay.js'
import { cacheEligibility } from '../../cache/request-key.js'

const OK_BODY = JSON.stringify({
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
})

function record(over: Partial<ResponseRecord>): ResponseRecord {
  return { status: 200, streaming: false, latencySeconds: 0.1, ...over }
}

describe('what the cache stores', () => {
  it('stores only complete, successful completions', () => {
    assert.equal(cacheableCompletion(record({ body: Buffer.from(OK_BODY) }), 1e6), OK_BODY)
    assert.equal(
      cacheableCompletion(record({ status: 500, body: Buffer.from(OK_BODY) }), 1e6),
      undefined,
    )
    assert.equal(cacheableCompletion(record({ body: Buffer.from('{"error":{}}') }), 1e6), undefined)
    assert.equal(cacheableCompletion(record({ body: Buffer.from('not json') }), 1e6), undefined)
    assert.equal(cacheableCompletion(record({ body: Buffer.from(OK_BODY) }), 10), undefined)
    const filtered = OK_BODY.replace('"stop"', '"content_filter"')
    assert.equal(cacheableCompletion(record({ body: Buffer.from(filtered) }), 1e6), undefined)
    const assembled = {
      id: 'x',
      model: 'm',
      created: 1,
      content: 'hello',
      reasoningContent: 'why',
      finishReason: 'stop',
    }
    const stored = cacheableCompletion(record({ streaming: true, assembled }), 1e6)
    assert.equal(JSON.parse(stored!).choices[0].message.reasoning_content, 'why')
    assert.equal(
      cacheableCompletion(record({ streaming: true, assembled, error: 'stream_incomplete' }), 1e6),
      undefined,
    )
  })

  it('replays tool calls and usage in SSE', () => {
    const doc = JSON.stringify({
      id: 'c',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    })
    const sse = replayResponse(doc, { stream: true, includeUsage: true, similarity: 0.9 }).body
    assert.match(sse, /"tool_calls":\[\{"index":0,"id":"t"/)
    assert.match(sse, /"choices":\[\],"usage":\{"prompt_tokens":1/)
    assert.ok(sse.endsWith('data: [DONE]\n\n'))
    assert.deepEqual(splitText('one two three four five six seven eight', 10), [
      'one two three ',
      'four five six ',
      'seven eight',
    ])
  })
})

describe('which requests the cache may answer', () => {
  const parse = (body: object) => parseChatRequest(Buffer.from(JSON.stringify(body)))
  const user = (content: unknown) => ({ role: 'user', content })

  it('keys on everything that shapes the answer except sampling', () => {
    const plain = cacheEligibility(parse({ model: 'm', messages: [user('hi')] }), false)
    const sampled = cacheEligibility(
      parse({ model: 'm', messages: [user('hi')], temperature: 0.2, seed: 1 }),
      false,
    )
    const system = cacheEligibility(
      parse({ model: 'm', messages: [{ role: 'system', content: 'be terse' }, user('hi')] }),
      false,
    )
    const tools = cacheEligibility(parse({ model: 'm', messages: [user('hi')], tools: [] }), false)
    assert.ok(plain.ok && sampled.ok && system.ok && tools.ok)
    assert.equal(plain.context, '')
    assert.equal(sampled.context, '')
    assert.notEqual(system.context, '')
    assert.notEqual(tools.context, system.context)
  })

  it('skips images, empty prompts and (by default) conversations', () => {
    const image = parse({
      model: 'm',
      messages: [
        user([
          { type: 'text', text: 'what is this' },
          { type: 'image_url', image_url: { url: 'x' } },
        ]),
      ],
    })
    assert.deepEqual(cacheEligibility(image, false), { ok: false, reason: 'non_text_content' })
    const parts = parse({ model: 'm', messages: [user([{ type: 'text', text: 'hello' }])] })
    assert.equal(cacheEligibility(parts, false).ok, true)
    const turns = parse({
      model: 'm',
      messages: [user('a'), { role: 'assistant', content: 'b' }, user('c')],
    })
    assert.deepEqual(cacheEligibility(turns, false), { ok: false, reason: 'multi_turn' })
    assert.equal(cacheEligibility(turns, true).ok, true)
    assert.deepEqual(cacheEligibility(parse({ model: 'm', messages: [user('  ')] }), false), {
      ok: false,
      reason: 'no_user_text',
    })
  })

  it('coalesces only identical questions, and frees the key when the leader settles', async () => {
    const c = new Coalescer()
    const key = coalesceKey('m', '', 'What  is X?')
    assert.equal(key, coalesceKey('m', '', 'what is x?'))
    // A pasted document is not normalised (no whole-text pass): only the identical one joins.
    const long = 'Word '.repeat(5_000)
    assert.equal(coalesceKey('m', '', long), coalesceKey('m', '', long))
    assert.notEqual(coalesceKey('m', '', long), coalesceKey('m', '', long.toLowerCase()))
    const leader = c.join(key, 1000)
    const follower = c.join(key, 1000)
    assert.equal(leader.role, 'leader')
    assert.equal(follower.role, 'follower')
    if (leader.role === 'leader') leader.settle('answer')
    if (follower.role === 'follower') assert.equal(await follower.answer, 'answer')
    assert.equal(c.inFlight, 0)
  })
})
