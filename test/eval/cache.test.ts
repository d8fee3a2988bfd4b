/**
 * The semantic cache's recorded figures stay true (training/cache-verifier/DATA_CARD.md), through
 * the real cache path at the default settings: a retrained verifier or embedding that answers
 * fewer rewordings, or any hard negative of the corpus's test split, fails here.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateCache } from '../../src/eval/cache.js'

describe('semantic cache evaluation (defaults)', () => {
  it('answers the recorded share of rewordings and no hard negative', async () => {
    const r = await evaluateCache()
    assert.equal(r.verification, 'learned')
    const corpus = r.sets['paraphrase corpus, test split']!.end_to_end
    assert.equal(corpus.paraphrases, 372)
    assert.ok(corpus.hits >= 196, `${corpus.hits}/372 rewordings (recorded 196)`)
    assert.equal(corpus.false_hits + corpus.wrong_entry, 0, corpus.false_hit_ids.join(', '))
    for (const set of ['bench/cache/data/pairs.dev.jsonl', 'bench/cache/data/pairs.test.jsonl']) {
      const e = r.sets[set]!.end_to_end
      assert.ok(e.hits >= 0.7 * e.paraphrases, `${set}: ${e.hits}/${e.paraphrases}`)
      assert.ok(e.false_hits <= 1, `${set}: ${e.false_hit_ids.join(', ')}`)
    }
  })
})
