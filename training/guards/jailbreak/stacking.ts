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

/** One prompt's out-of-fold scores as the detector combines them. */
export interface StackRow {
  /** [window, convolution] of the whole text and of each other view. */
  readonly views: readonly (readonly [number, number])[]
  /** The rules' clipped logit. */
  readonly rules: number
  /** The rules flag on their own (at or above rules_alone_at). */
  readonly alone: boolean
  readonly label: number
}

/** Mean recall over FPR bounds when flagging z >= t, t set so flagged benign <= bound·benign. */
export function recallAtBounds(
  z: Float64Array,
  rows: readonly StackRow[],
  bounds: readonly number[],
): number {
  const benign = rows.filter((r) => r.label === 0).length
  const aloneBenign = rows.filter((r) => r.label === 0 && r.alone).length
  const s = rows
    .map((r, i) => (r.label === 0 && !r.alone ? z[i]! : NaN))
    .filter((v) => !Number.isNaN(v))
    .sort((p, q) => q - p)
  let total = 0
  for (const bound of bounds) {
    const allowed = Math.floor(bound * benign + 1e-9) - aloneBenign
    const t =
      allowed <= 0
        ? s[0]! + 1e-6
        : allowed >= s.length
          ? -Infinity
          : (s[allowed - 1]! + s[allowed]!) / 2
    let tp = 0
    let p = 0
    rows.forEach((r, i) => {
      if (r.label !== 1) return
      p++
      if (r.alone || z[i]! >= t) tp++
    })
    total += tp / Math.max(1, p)
  }
  return total / bounds.length
}

/**
 * The stacking chosen for the operating end: the direction (cos θ, sin θ) of the window and
 * convolution weights and the rules' weight ρ that maximise the mean recall at `bounds` (a grid; only
 * the direction and the threshold decide what is flagged), then the scale and bias by log loss on
 * the whole text along that direction, so the probabilities stay calibrated. Returns [a_window,
 * a_conv, a_rules] and c as platt() does.
 */
export function operatingStack(
  rows: readonly StackRow[],
  bounds: readonly number[],
): { a: number[]; c: number } {
  let best = { value: -1, theta: 0, rho: 0 }
  for (let k = 0; k <= 36; k++) {
    const theta = (k / 36) * (Math.PI / 2)
    const m = Float64Array.from(rows, (r) =>
      Math.max(...r.views.map(([w, c]) => Math.cos(theta) * w + Math.sin(theta) * c)),
    )
    for (let j = 0; j <= 30; j++) {
      const rho = j * 0.05
      const value = recallAtBounds(
        m.map((v, i) => v + rho * rows[i]!.rules),
        rows,
        bounds,
      )
      if (value > best.value + 1e-12) best = { value, theta, rho }
    }
  }
  const dir = [Math.cos(best.theta), Math.sin(best.theta), best.rho]
  const whole = rows.map((r) => [
    dir[0]! * r.views[0]![0] + dir[1]! * r.views[0]![1] + dir[2]! * r.rules,
  ])
  const { a, c } = platt(
    whole,
    rows.map((r) => r.label),
  )
  return { a: dir.map((d) => d * a[0]!), c }
}
