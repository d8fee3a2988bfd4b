/**
 * The jailbreak trainer's stacking helpers: the area under the ROC curve on known orderings, and
 * the logistic stacking fit weighting an informative score above a useless one.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { auc, platt } from '../../training/guards/jailbreak/stacking.js'

describe('jailbreak stacking helpers', () => {
  it('auc: 1 when every attack outscores every benign prompt, 0 reversed, 0.75 for one swap', () => {
    const labels = [0, 0, 1, 1]
    assert.equal(auc([0.1, 0.2, 0.8, 0.9], labels), 1)
    assert.equal(auc([0.9, 0.8, 0.2, 0.1], labels), 0)
    assert.equal(auc([0.1, 0.85, 0.8, 0.9], labels), 0.75)
  })

  it('platt: the informative score gets the weight, the noise almost none', () => {
    const scores: number[][] = []
    const labels: number[] = []
    for (let i = 0; i < 200; i++) {
      const y = i % 2
      // Column 0 tells the label (with overlap), column 1 repeats a pattern unrelated to it.
      scores.push([(y ? 1 : -1) + ((i * 7) % 11) / 11 - 0.5, ((i * 13) % 17) / 17 - 0.5])
      labels.push(y)
    }
    const { a, c } = platt(scores, labels)
    assert.ok(a[0]! > 1, `informative weight ${a[0]}`)
    assert.ok(Math.abs(a[1]!) < 0.5 * a[0]!, `noise weight ${a[1]}`)
    assert.ok(Math.abs(c) < 0.5, `bias ${c}`)
  })
})
