/**
 * Which word pairs the category classifier learns (training/category/features.ts): frequent pairs
 * of consecutive tokens whose two words both occur in the training texts of several categories.
 * A pair made of one field's own words (or one writer's) is left out even when it is frequent.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { knownPairs } from '../../training/category/features.js'

const VOCABULARY = 100
const NUMBERS = { start: 90, count: 10 }

/** Token ids 1 ("my") and 2 ("kid") occur in texts of labels 0–7; 3 and 4 only under label 9. */
function texts(): { ids: number[]; label: number }[] {
  const out: { ids: number[]; label: number }[] = []
  for (let label = 0; label < 8; label++) out.push({ ids: [1, 2, 5], label })
  for (let i = 0; i < 6; i++) out.push({ ids: [3, 4, 6], label: 9 })
  return out
}

/** The pairs kept from texts(), seen ≥ 5 times, with both words under ≥ `minCategories` labels. */
const pairsKept = (minCategories: number): bigint[] => [
  ...knownPairs(VOCABULARY, texts(), { minCount: 5, scale: 0.5, minCategories }, NUMBERS).keys,
]
const pair = (a: number, b: number): bigint => BigInt(a * VOCABULARY + b)

describe('category word pairs', () => {
  it('keeps a frequent pair of words shared by enough categories, not one field’s own pair', () => {
    const kept = pairsKept(7)
    assert.equal(kept.includes(pair(1, 2)), true)
    assert.equal(kept.includes(pair(3, 4)), false, 'a pair of one category’s words is left out')
    assert.equal(kept.includes(pair(5, 1)), false, 'a pair never seen is not kept')
  })

  it('keeps every frequent pair when no spread is asked for', () => {
    const kept = pairsKept(0)
    assert.equal(kept.includes(pair(1, 2)), true)
    assert.equal(kept.includes(pair(3, 4)), true)
  })
})
