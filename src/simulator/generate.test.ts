import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_BEHAVIOUR } from './behaviour.js'
import {
  countPromptTokens,
  decideReasoning,
  planOutput,
  reasoningTokenCount,
  splitTokens,
} from './generate.js'

describe('reasoning decision', () => {
  const on = (body: Record<string, unknown>) => decideReasoning(body, true)
  it('turns on for the Qwen3 and DeepSeek template switches, at medium effort', () => {
    assert.deepEqual(on({ chat_template_kwargs: { enable_thinking: true } }), {
      on: true,
      effort: 'medium',
      source: 'chat_template_kwargs.enable_thinking',
    })
    assert.equal(on({ chat_template_kwargs: { thinking: true } }).on, true)
    assert.equal(on({ thinking: { type: 'enabled' } }).on, true)
  })
  it('takes the effort from reasoning_effort, top level or inside the kwargs', () => {
    assert.equal(on({ reasoning_effort: 'high' }).effort, 'high')
    assert.equal(on({ chat_template_kwargs: { reasoning_effort: 'low' } }).effort, 'low')
    assert.equal(
      on({ chat_template_kwargs: { enable_thinking: true }, reasoning_effort: 'low' }).effort,
      'low',
    )
  })
  it('an explicit false, or effort none, wins', () => {
    assert.equal(on({ chat_template_kwargs: { enable_thinking: false } }).on, false)
    assert.equal(
      on({ chat_template_kwargs: { thinking: false }, reasoning_effort: 'high' }).on,
      false,
    )
    assert.equal(on({ thinking: { type: 'disabled' }, reasoning_effort: 'high' }).on, false)
    assert.equal(on({ reasoning_effort: 'none' }).on, false)
  })
  it('is off by default and for models without reasoning', () => {
    assert.equal(on({}).on, false)
    assert.equal(decideReasoning({ reasoning_effort: 'high' }, false).on, false)
  })
  it('scales reasoning length with effort: low 1x, medium 2x, high 4x', () => {
    const b = { ...DEFAULT_BEHAVIOUR, reasoningTokens: 10 }
    const n = (effort: string) => reasoningTokenCount(b, on({ reasoning_effort: effort }))
    assert.deepEqual([n('low'), n('medium'), n('high')], [10, 20, 40])
    assert.equal(reasoningTokenCount(b, on({})), 0)
  })
})

describe('output plan', () => {
  const behaviour = { ...DEFAULT_BEHAVIOUR, outputTokens: 12, reasoningTokens: 5 }
  const reasoning = decideReasoning({ reasoning_effort: 'low' }, true)
  it('produces exactly the configured token counts, deterministically', () => {
    const input = { model: 'm', promptText: 'hello', behaviour, reasoning, maxTokens: undefined }
    const a = planOutput(input)
    assert.equal(a.reasoning.length, 5)
    assert.equal(a.content.length, 12)
    assert.equal(a.finishReason, 'stop')
    assert.deepEqual(planOutput(input), a)
    assert.match(a.content.join(''), /^Simulated answer from m \(semantic-router simulator\):/)
    assert.notDeepEqual(planOutput({ ...input, promptText: 'other' }).content, a.content)
  })
  it('caps reasoning then content at max_tokens with finish_reason length', () => {
    const base = { model: 'm', promptText: 'x', behaviour, reasoning }
    const capped = planOutput({ ...base, maxTokens: 8 })
    assert.deepEqual([capped.reasoning.length, capped.content.length], [5, 3])
    assert.equal(capped.finishReason, 'length')
    const tiny = planOutput({ ...base, maxTokens: 2 })
    assert.deepEqual([tiny.reasoning.length, tiny.content.length], [2, 0])
  })
  it('uses a responder text when given, split into tokens that join back', () => {
    const plan = planOutput({
      model: 'm',
      promptText: 'q',
      behaviour,
      reasoning,
      maxTokens: undefined,
      content: 'The answer is (C).',
    })
    assert.equal(plan.content.join(''), 'The answer is (C).')
    assert.equal(plan.content.length, 4)
    assert.deepEqual(splitTokens('  a b\nc'), ['  a', ' b', '\nc'])
  })
  it('counts prompt tokens from string and array content', () => {
    const n = countPromptTokens([
      { role: 'system', content: 'abcd' },
      { role: 'user', content: [{ type: 'text', text: 'abcdefgh' }] },
    ])
    assert.equal(n, 2 + (4 + 1) + (4 + 2))
  })
})
