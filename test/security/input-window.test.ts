/**
 * Issue 13: classification reads a bounded window of the prompt (`security.input_window`), the
 * last `max_chars` characters, on both transports: a keyword far before the window does not
 * route, the one inside it does, however long the prompt.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inputWindow } from '../../src/pipeline/input-window.js'
import { familiesConfig, FAMILY_MODELS, useBothTransports } from '../helpers/router.js'
import { send, TRANSPORTS } from './send.js'

const both = useBothTransports(FAMILY_MODELS, (port) =>
  familiesConfig(port, 'security: { input_window: { max_chars: 1000 } }\n'),
)

for (const transport of TRANSPORTS)
  describe(`input window (${transport})`, () => {
    it('only the last max_chars characters are classified', async () => {
      // "integral" (math → qwen3-8b) 200 KB before the end; "hello" (plain → plain-model) inside.
      const content = `integral ${'filler words '.repeat(16_000)} hello`
      const sent = await send(both, transport, {
        body: { model: 'MoM', messages: [{ role: 'user', content }] },
      })
      assert.equal(sent.status, 200, sent.body.slice(0, 300))
      assert.equal(sent.headers['x-vsr-selected-model'], 'plain-model')
    })
  })

describe('inputWindow', () => {
  it('keeps short texts and never starts inside a surrogate pair', () => {
    assert.equal(inputWindow('short', 10), 'short')
    assert.equal(inputWindow('abcdef', 3), 'def')
    assert.equal(inputWindow('a😀b', 2), 'b')
  })
})
