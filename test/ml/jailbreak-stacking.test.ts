/**
 * The jailbreak trainer's stacking helpers: the area under the ROC curve on known orderings, the
 * logistic stacking fit weighting an informative score above a useless one, recall at FPR bounds
 * counted by hand, and the stacking chosen for the operating end beating the log-loss fit's
 * direction where the two differ.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  auc,
  operatingStack,
  platt,
  recallAtBounds,
  type StackRow,
} from '../../training/guards/jailbreak/stacking.js'
import { seeded, sigmoid } from '../../training/guards/jailbreak/window-model.js'

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

  it('recallAtBounds: the threshold lets through at most bound·benign, rules-alone items count', () => {
    const row = (z: number, label: number, alone = false): StackRow => ({
      views: [[z, 0]],
      rules: 0,
      alone,
      label,
    })
    const benign = [5, 4, 3, 2, 1, 0, -1, -2, -3, -4].map((z) => row(z, 0))
    const attacks = [4.5, 3.5, 0.5, -5].map((z) => row(z, 1))
    const z = (rows: StackRow[]) => Float64Array.from(rows, (r) => r.views[0]![0])
    const rows = [...benign, ...attacks]
    // 10 % of 10 benign: one may be flagged, threshold 4.5 -> 1 of 4; 30 %: threshold 2.5 -> 2 of 4.
    assert.equal(recallAtBounds(z(rows), rows, [0.1]), 0.25)
    assert.equal(recallAtBounds(z(rows), rows, [0.1, 0.3]), (0.25 + 0.5) / 2)
    // The top benign item flagged by the rules alone uses up the 10 % budget; the attack at -5
    // flagged by the rules alone counts as found.
    const withAlone = [
      row(5, 0, true),
      ...benign.slice(1),
      ...attacks.slice(0, 3),
      row(-5, 1, true),
    ]
    assert.equal(recallAtBounds(z(withAlone), withAlone, [0.1]), 0.5)
  })

  it('operatingStack: a direction with higher recall at the low-FPR end than the log-loss fit', () => {
    // The convolution separates the bulk better (means 0 vs 3; window 0 vs 2), but 2 % of benign
    // prompts get a high convolution score (6): they decide the threshold of any convolution-heavy
    // direction at FPR <= 2.6 %. Log loss weighs the bulk; the operating end needs the window.
    const random = seeded(7)
    const normal = () => (random() + random() + random() + random()) * Math.sqrt(3)
    const rows: StackRow[] = []
    for (let i = 0; i < 800; i++) {
      const label = i % 2
      const outlier = label === 0 && i % 50 === 0
      const window = (label ? 2 : 0) + normal()
      const conv = outlier ? 6 + 0.3 * normal() : (label ? 3 : 0) + normal()
      rows.push({ views: [[window, conv]], rules: 0.5 * normal(), alone: false, label })
    }
    const bounds = [0.01, 0.014, 0.018, 0.022, 0.026]
    const z = (a: readonly number[]) =>
      Float64Array.from(
        rows,
        (r) => a[0]! * r.views[0]![0] + a[1]! * r.views[0]![1] + a[2]! * r.rules,
      )
    const logLoss = platt(
      rows.map((r) => [r.views[0]![0], r.views[0]![1], r.rules]),
      rows.map((r) => r.label),
    )
    const operating = operatingStack(rows, bounds)
    const recallLogLoss = recallAtBounds(z(logLoss.a), rows, bounds)
    const recallOperating = recallAtBounds(z(operating.a), rows, bounds)
    assert.ok(
      recallOperating >= recallLogLoss + 0.1,
      `operating ${recallOperating.toFixed(3)} vs log loss ${recallLogLoss.toFixed(3)}`,
    )
    const ratio = (a: readonly number[]) => a[1]! / a[0]!
    assert.ok(
      ratio(operating.a) < 0.6 * ratio(logLoss.a),
      `conv/window ${ratio(operating.a).toFixed(3)} vs log loss ${ratio(logLoss.a).toFixed(3)}`,
    )
    // Scale and bias by log loss along the direction: the mean probability is the attack rate.
    const p = z(operating.a).reduce((sum, v) => sum + sigmoid(v + operating.c), 0) / rows.length
    assert.ok(Math.abs(p - 0.5) < 0.01, `mean probability ${p}`)
  })
})
