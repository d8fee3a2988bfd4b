import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decideByEntropy, shannonEntropy, uncertaintyLevel } from './entropy.js'

const flags = new Map([
  ['math', true],
  ['physics', true],
  ['history', false],
  ['law', false],
])
const dist = (pairs: [string, number][]) =>
  pairs.map(([category, probability]) => ({ category, probability }))

describe('entropy reasoning decision', () => {
  it('computes Shannon entropy in bits', () => {
    assert.equal(shannonEntropy([0.5, 0.5]), 1)
    assert.equal(shannonEntropy([1, 0, 0]), 0)
    assert.equal(shannonEntropy([0.25, 0.25, 0.25, 0.25]), 2)
  })
  it('maps normalised entropy to upstream levels', () => {
    assert.deepEqual([0.85, 0.65, 0.45, 0.25, 0.1].map(uncertaintyLevel), [
      'very_high',
      'high',
      'medium',
      'low',
      'very_low',
    ])
  })
  it('turns reasoning on conservatively when the classifier is lost', () => {
    const d = decideByEntropy(
      dist([
        ['history', 0.25],
        ['law', 0.25],
        ['math', 0.25],
        ['physics', 0.25],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.level, 'very_high')
    assert.equal(d.useReasoning, true)
    assert.equal(d.reason, 'very_high_uncertainty_conservative_default')
    assert.equal(d.confidence, 0.3)
  })
  it('trusts a confident classification', () => {
    const d = decideByEntropy(
      dist([
        ['history', 0.97],
        ['math', 0.01],
        ['law', 0.01],
        ['physics', 0.01],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.level, 'very_low')
    assert.equal(d.useReasoning, false)
    assert.equal(d.reason, 'very_low_uncertainty_trust_classification')
    assert.ok(Math.abs(d.confidence - 0.97 * 0.95) < 1e-9)
  })
  it('votes over the top two at high uncertainty', () => {
    // H ≈ 1.40 bits of 2 → normalised 0.70 (high); top two math 0.6 + history 0.3 → 0.67 for reasoning.
    const d = decideByEntropy(
      dist([
        ['math', 0.6],
        ['history', 0.3],
        ['law', 0.05],
        ['physics', 0.05],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.level, 'high')
    assert.equal(d.useReasoning, true)
    assert.equal(d.reason, 'high_uncertainty_weighted_decision')
  })
  it('follows an above-threshold top category at medium uncertainty', () => {
    // H ≈ 1.02 bits of 2 → normalised 0.51 (medium).
    const d = decideByEntropy(
      dist([
        ['law', 0.8],
        ['math', 0.1],
        ['history', 0.05],
        ['physics', 0.05],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.level, 'medium')
    assert.equal(d.useReasoning, false)
    assert.equal(d.reason, 'medium_uncertainty_top_category_above_threshold')
    assert.ok(Math.abs(d.confidence - 0.64) < 1e-9)
  })
  it('does not reason for a confident category it knows nothing about', () => {
    const d = decideByEntropy(
      dist([
        ['cooking', 0.99],
        ['math', 0.01],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.reason, 'category_not_in_reasoning_map')
    assert.equal(d.useReasoning, false)
  })
  it('flags distributions that do not sum to one', () => {
    const d = decideByEntropy(
      dist([
        ['math', 0.5],
        ['law', 0.2],
      ]),
      flags,
      0.6,
    )
    assert.equal(d.distributionValid.sum, false)
  })
})
