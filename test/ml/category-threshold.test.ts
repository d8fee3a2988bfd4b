/**
 * The category model's routing threshold (training/category/calibration.ts): the confidence at
 * which "top choice is right" reaches 1/2 on the dev split, estimated so that a handful of texts
 * or a different training seed does not move it.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from '../../src/seeded-random.js'
import { routingThreshold, type Scored } from '../../training/category/calibration.js'

/** Dev texts whose top choice is right with probability σ(4·(logit c − logit crossing)). */
function devSplit(n: number, crossing: number, seed: number): Scored[] {
  const random = seededRandom(seed)
  const logit = (p: number) => Math.log(p / (1 - p))
  return Array.from({ length: n }, () => {
    const c = 0.08 + 0.9 * random()
    const pRight = 1 / (1 + Math.exp(-4 * (logit(c) - logit(crossing))))
    const right = random() < pRight
    return {
      label: right ? 0 : 1,
      kind: 'everyday',
      top: 0,
      z: new Float32Array(2),
      confidence: () => c,
    }
  })
}

describe('category routing threshold', () => {
  it('is where the top choice becomes right half of the time', () => {
    for (const crossing of [0.3, 0.42, 0.55]) {
      const t = routingThreshold(devSplit(1500, crossing, 3), 1)
      assert.ok(Math.abs(t - crossing) <= 0.03, `crossing ${crossing}: threshold ${t}`)
    }
  })

  it('moves little when the dev texts are a different draw of the same size', () => {
    const thresholds = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
      routingThreshold(devSplit(1500, 0.42, seed), 1),
    )
    const spread = Math.max(...thresholds) - Math.min(...thresholds)
    assert.ok(spread <= 0.04, `thresholds ${thresholds.join(', ')}`)
  })
})
