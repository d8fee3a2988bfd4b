import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../config/load.js'
import type { ChatMessage } from '../openai/types.js'
import { compileClassic } from '../decisions/compile-classic.js'
import { injectSystemPrompt } from './system-prompt.js'

const { config } = parseConfigText(`
categories:
  - { name: r, system_prompt: "Be exact.", model_scores: [{ model: m, score: 1, use_reasoning: false }] }
  - { name: i, system_prompt: "Be exact.", system_prompt_mode: insert, model_scores: [{ model: m, score: 1, use_reasoning: false }] }
  - { name: 'off', system_prompt: "Be exact.", system_prompt_enabled: false, model_scores: [{ model: m, score: 1, use_reasoning: false }] }
  - { name: none, model_scores: [{ model: m, score: 1, use_reasoning: false }] }
`)
const decisions = compileClassic(config).recipes.get('default')!.decisions
/** The category's compiled system_prompt plugin ('' when it has none: nothing to inject). */
const cat = (name: string) =>
  decisions.find((d) => d.name === name)!.plugins.systemPrompt ?? {
    prompt: '',
    mode: 'insert' as const,
  }

describe('system prompt injection', () => {
  it('prepends a system message when there is none', () => {
    const msgs: ChatMessage[] = [{ role: 'user', content: 'q' }]
    assert.equal(injectSystemPrompt(msgs, cat('r')), true)
    assert.deepEqual(msgs[0], { role: 'system', content: 'Be exact.' })
  })
  it('replace overwrites the existing system message', () => {
    const msgs: ChatMessage[] = [
      { role: 'system', content: 'old' },
      { role: 'user', content: 'q' },
    ]
    injectSystemPrompt(msgs, cat('r'))
    assert.equal(msgs[0]?.content, 'Be exact.')
    assert.equal(msgs.length, 2)
  })
  it('insert puts the category prompt before the existing text', () => {
    const msgs: ChatMessage[] = [
      { role: 'system', content: 'old' },
      { role: 'user', content: 'q' },
    ]
    injectSystemPrompt(msgs, cat('i'))
    assert.equal(msgs[0]?.content, 'Be exact.\n\nold')
  })
  it('insert handles array content', () => {
    const msgs: ChatMessage[] = [{ role: 'system', content: [{ type: 'text', text: 'old' }] }]
    injectSystemPrompt(msgs, cat('i'))
    assert.deepEqual(msgs[0]?.content, [
      { type: 'text', text: 'Be exact.' },
      { type: 'text', text: 'old' },
    ])
  })
  it('does nothing when disabled or empty', () => {
    const msgs: ChatMessage[] = [{ role: 'user', content: 'q' }]
    assert.equal(injectSystemPrompt(msgs, cat('off')), false)
    assert.equal(injectSystemPrompt(msgs, cat('none')), false)
    assert.equal(msgs.length, 1)
  })
})
