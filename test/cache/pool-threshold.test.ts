import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  chooseOnPool,
  sameFold,
  type Candidates,
} from '../../training/cache-verifier/thresholds.js'

// Two stored requests; each looked-up text has a fixed probability against its own request.
const lookup = (a: string, b: string, kind: string) => ({
  a,
  b,
  paraphrase: kind === 'paraphrase',
  kind,
  ranked: [{ request: a, similarity: 0.9 }],
})
const lookups: Candidates = [
  lookup('R1', 'p1', 'paraphrase'),
  lookup('R1', 'p2', 'paraphrase'),
  lookup('R2', 'p3', 'paraphrase'),
  lookup('R1', 'n1', 'negation'),
  lookup('R2', 'n2', 'object'),
]
const P: Record<string, number> = { p1: 0.9, p2: 0.6, p3: 0.45, n1: 0.7, n2: 0.8 }
const probability = (q: string) => P[q]!

describe('threshold chosen on the pool (chooseOnPool)', () => {
  it('takes the lowest threshold whose precise false hits stay within the bound', () => {
    // Bound 0: the negation negative (0.7, precise) must stay out → first step above 0.7.
    const strict = chooseOnPool(lookups, probability, { similarity: 0.45, bound: 0 })
    assert.equal(strict.threshold, 0.705)
    assert.equal(strict.pool.hits, 1)
    // The object negative (0.8) is a false hit but not a precise one: the bound ignores it.
    assert.equal(strict.pool.falseHits, 1)
    // Bound 1: the negation may pass → 0.3, every rewording hits.
    const loose = chooseOnPool(lookups, probability, { similarity: 0.45, bound: 1 })
    assert.equal(loose.threshold, 0.3)
    assert.equal(loose.pool.hits, 3)
  })

  it('measures the bound as the model’s own count at a reference threshold', () => {
    const own = chooseOnPool(lookups, probability, { similarity: 0.45, referenceThreshold: 0.75 })
    assert.equal(own.bound, 0)
    assert.equal(own.threshold, 0.705)
  })

  it('limits a lookup’s candidates to its own fold’s requests', () => {
    const two: Candidates = [
      {
        a: 'R1',
        b: 'p1',
        paraphrase: true,
        kind: 'paraphrase',
        ranked: [
          { request: 'R2', similarity: 0.95 },
          { request: 'R1', similarity: 0.9 },
        ],
      },
    ]
    const fold = (r: string) => (r === 'R1' ? 0 : 1)
    assert.deepEqual(
      sameFold(two, fold)[0]!.ranked.map((c) => c.request),
      ['R1'],
    )
  })
})
