import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../config/load.js'
import type { ChatCompletionBody } from '../openai/types.js'
import {
  applyReasoning,
  effortInEffect,
  familyOf,
  resolveEffort,
  templateParams,
} from './controller.js'

const { config } = parseConfigText(`
reasoning_families:
  qwen3: { type: chat_template_kwargs, parameter: enable_thinking }
  deepseek: { type: chat_template_kwargs, parameter: thinking }
  gpt-oss: { type: reasoning_effort, parameter: reasoning_effort }
model_config:
  q: { reasoning_family: qwen3 }
  d: { reasoning_family: deepseek }
  g: { reasoning_family: gpt-oss }
  plain: {}
default_reasoning_effort: high
`)
const params = templateParams(config)
const body = (extra: Record<string, unknown> = {}): ChatCompletionBody => ({
  model: 'x',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
})
const target = (model: string, enabled: boolean, effort = 'high') => ({
  enabled,
  effort,
  ...familyOf(config, model),
})

describe('reasoning controller', () => {
  it('qwen3: enable_thinking true when on and an explicit false when off', () => {
    const on = body()
    applyReasoning(on, target('q', true), params)
    assert.deepEqual(on.chat_template_kwargs, { enable_thinking: true })
    const off = body()
    applyReasoning(off, target('q', false), params)
    assert.deepEqual(off.chat_template_kwargs, { enable_thinking: false })
    assert.equal(off.reasoning_effort, undefined)
  })
  it('deepseek: thinking true/false', () => {
    const b = body()
    applyReasoning(b, target('d', true), params)
    assert.deepEqual(b.chat_template_kwargs, { thinking: true })
  })
  it('gpt-oss: reasoning_effort when on, the client value or low when off', () => {
    const on = body()
    assert.equal(applyReasoning(on, target('g', true, 'medium'), params).effortApplied, 'medium')
    assert.equal(on.reasoning_effort, 'medium')
    assert.equal(on.chat_template_kwargs, undefined)
    const off = body()
    applyReasoning(off, target('g', false), params)
    assert.equal(off.reasoning_effort, 'low')
    const kept = body({ reasoning_effort: 'medium' })
    applyReasoning(kept, target('g', false), params)
    assert.equal(kept.reasoning_effort, 'medium')
  })
  it('reports the effort in effect: configured when on, what was sent when off, none otherwise', () => {
    const effort = (model: string, enabled: boolean, extra: Record<string, unknown> = {}) => {
      const t = target(model, enabled, 'medium')
      return effortInEffect(t, applyReasoning(body(extra), t, params))
    }
    assert.equal(effort('g', true), 'medium')
    assert.equal(effort('g', false), 'low')
    assert.equal(effort('g', false, { reasoning_effort: 'high' }), 'high')
    assert.equal(effort('q', true), 'medium')
    assert.equal(effort('q', false), undefined)
    assert.equal(effort('plain', false), undefined)
  })
  it('a model without a family gets no reasoning fields, even ones the client sent', () => {
    const b = body({ reasoning_effort: 'high', chat_template_kwargs: { enable_thinking: true } })
    applyReasoning(b, target('plain', true), params)
    assert.equal(b.reasoning_effort, undefined)
    assert.equal(b.chat_template_kwargs, undefined)
  })
  it('keeps unrelated chat_template_kwargs the client sent', () => {
    const b = body({ chat_template_kwargs: { custom: 1, thinking: true } })
    applyReasoning(b, target('q', false), params)
    assert.deepEqual(b.chat_template_kwargs, { custom: 1, enable_thinking: false })
  })
  it('resolves effort: model score, then default_reasoning_effort, then medium', () => {
    assert.equal(resolveEffort(config, 'low'), 'low')
    assert.equal(resolveEffort(config, undefined), 'high')
    const bare = parseConfigText('default_model: x').config
    assert.equal(resolveEffort(bare, undefined), 'medium')
  })
})
