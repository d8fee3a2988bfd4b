import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseConfigText } from '../../src/config/load.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'upstream-configs')
const ROUTER_CONFIGS = readdirSync(FIXTURES).filter(
  (f) => f.endsWith('.yaml') && f !== 'semantic-cache_milvus.yaml',
)

describe('upstream config fixtures', () => {
  it('finds the fixture files', () => {
    assert.ok(ROUTER_CONFIGS.length >= 10)
  })
  for (const file of ROUTER_CONFIGS) {
    it(`loads ${file} unchanged`, () => {
      const loaded = parseConfigText(readFileSync(join(FIXTURES, file), 'utf8'), { source: file })
      assert.ok(Object.isFrozen(loaded.config))
      assert.equal(loaded.config.auto_model_name, 'MoM')
    })
  }
  it('keeps the stock config semantics', () => {
    const { config, warnings } = parseConfigText(
      readFileSync(join(FIXTURES, 'config.yaml'), 'utf8'),
    )
    assert.equal(warnings.length, 0)
    assert.equal(config.categories.length, 14)
    assert.equal(config.default_model, 'qwen3')
    assert.equal(config.reasoning_families['qwen3']?.parameter, 'enable_thinking')
    const math = config.categories.find((c) => c.name === 'math')
    assert.equal(math?.model_scores[0]?.use_reasoning, true)
    assert.equal(config.semantic_cache.eviction_policy, 'fifo')
  })
})
