/**
 * The jailbreak trainer's stacking helpers (train.ts): one logistic fit over the models' out-of-fold
 * scores, and the threshold-free measure used to compare them.
 */
import { sigmoid } from './window-model.js'

/**
 * Platt scaling and stacking in one: fit σ(Σ a_j·s_j + c) to the labels by gradient descent on log
 * loss, s_j = the models' scores (window model, convolution).
 */
export function platt(
  scores: readonly (readonly number[])[],
  labels: readonly number[],
): { a: number[]; c: number } {
  const a = scores[0]!.map(() => 1 / scores[0]!.length)
  let c = 0
  const ga = new Float64Array(a.length)
  for (let it = 0; it < 3000; it++) {
    ga.fill(0)
    let gc = 0
    scores.forEach((x, i) => {
      const d = sigmoid(x.reduce((z, xj, j) => z + a[j]! * xj, c)) - labels[i]!
      x.forEach((xj, j) => (ga[j] = ga[j]! + d * xj))
      gc += d
    })
    a.forEach((_, j) => (a[j] = a[j]! - (0.5 * ga[j]!) / scores.length))
    c -= (0.5 * gc) / scores.length
  }
  return { a, c }
}

/** Area under the ROC curve (threshold-free, for model selection). */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const sorted = scores.map((s, i) => ({ s, y: labels[i]! })).sort((x, y) => x.s - y.s)
  let rank = 0
  let positives = 0
  sorted.forEach((e, i) => {
    if (e.y === 1) {
      rank += i + 1
      positives++
    }
  })
  const negatives = sorted.length - positives
  return (rank - (positives * (positives + 1)) / 2) / (positives * negatives)
}
