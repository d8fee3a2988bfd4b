import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Embedder } from '../../embeddings/types.js'
import { aggregate, EmbeddingRuleClassifier } from './embedding-classifier.js'

describe('embedding rule aggregation', () => {
  it('mean, max and any behave as documented', () => {
    assert.deepEqual(aggregate('max', [0.2, 0.9], 0.8), { score: 0.9, matched: true })
    assert.deepEqual(aggregate('mean', [0.2, 0.9], 0.8), { score: 0.55, matched: false })
    assert.deepEqual(aggregate('avg', [0.8, 0.9], 0.8), {
      score: 0.8500000000000001,
      matched: true,
    })
    assert.deepEqual(aggregate('any', [0.1, 0.81], 0.8), { score: 0.81, matched: true })
    assert.deepEqual(aggregate('max', [], 0.1), { score: 0, matched: false })
  })
})

// A bag-of-letters embedder: deterministic, normalised, enough to exercise the rule logic.
const letters: Embedder = {
  kind: 'letters',
  model: 'letters',
  dimension: 26,
  embed(texts) {
    return Promise.resolve(
      texts.map((t) => {
        const v = new Float32Array(26)
        for (const ch of t.toLowerCase()) {
          const i = ch.charCodeAt(0) - 97
          if (i >= 0 && i < 26) v[i]! += 1
        }
        const norm = Math.hypot(...v) || 1
        return v.map((x) => x / norm)
      }),
    )
  },
}

describe('embedding rules classifier', () => {
  const classifier = new EmbeddingRuleClassifier(
    [
      {
        category: 'a',
        threshold: 0.99,
        keywords: ['aaaa'],
        aggregation_method: 'max',
        model: 'auto',
        dimension: 26,
      },
      {
        category: 'b',
        threshold: 0.9,
        keywords: ['bbbb', 'zzzz'],
        aggregation_method: 'any',
        model: 'auto',
        dimension: 26,
      },
    ],
    () => Promise.resolve(letters),
  )
  it('picks the matching rule and reports it', async () => {
    const r = await classifier.classify({ text: 'bbb', history: [] })
    assert.equal(r?.category, 'b')
    assert.equal(r?.detail, 'embedding_rules[1]')
    assert.ok((r?.confidence ?? 0) > 0.99)
  })
  it('abstains when no rule reaches its threshold', async () => {
    assert.equal(await classifier.classify({ text: 'qwerty', history: [] }), null)
  })
  it('retries preparation after an embedder failure', async () => {
    let calls = 0
    const flaky = new EmbeddingRuleClassifier(
      [
        {
          category: 'a',
          threshold: 0.5,
          keywords: ['a'],
          aggregation_method: 'max',
          model: 'auto',
          dimension: 26,
        },
      ],
      () => (++calls === 1 ? Promise.reject(new Error('not loaded')) : Promise.resolve(letters)),
    )
    await assert.rejects(flaky.classify({ text: 'a', history: [] }), /not loaded/)
    assert.equal((await flaky.classify({ text: 'a', history: [] }))?.category, 'a')
  })
})
