/**
 * docs/decisions.md stays true: its first example config and its "route by context length" recipe
 * load without warnings and route as the page says.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { chatBody, makeRuntime, meta } from '../helpers/runtime.js'

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'decisions.md'), 'utf8')
const yamlBlocks = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
const documents = yamlBlocks.filter((b) => b.startsWith('version: v0.3'))

describe('docs/decisions.md', () => {
  it('has complete example configs that load without warnings', () => {
    assert.equal(documents.length, 2)
    for (const text of documents) assert.deepEqual(parseRouterConfig(text).warnings, [])
  })

  it('routes long prompts as the context-length recipe says', async () => {
    const t = await makeRuntime(documents[1]!)
    try {
      const long = await t.runtime.pipeline.handleRequest(
        chatBody('lorem ipsum '.repeat(2000)),
        meta({ headers: { 'x-vsr-debug': 'true' } }),
      )
      assert.equal(long.ctx.responseHeaders.get('x-vsr-selected-decision'), 'long_context')
      assert.equal(long.ctx.responseHeaders.get('x-vsr-selected-model'), 'qwen3-8b')
      assert.equal(long.ctx.responseHeaders.get('x-vsr-context-token-count'), '6000')
      const short = await t.runtime.pipeline.handleRequest(chatBody('hello'), meta())
      assert.equal(short.ctx.responseHeaders.get('x-vsr-selected-decision'), undefined)
      assert.equal(short.ctx.responseHeaders.get('x-vsr-selected-model'), 'small-chat')
    } finally {
      await t.runtime.close()
    }
  })
})
