/**
 * Fits the verifier's pair net (src/cache/verify/pair-net.ts): one hidden ReLU layer, weighted
 * logistic loss, Adam on mini-batches of 64, a few epochs (the net is averaged with the trees, so
 * it is kept short of fitting the training pairs: 30 epochs made it overconfident on other groups'
 * requests). Deterministic: seeded initialisation and shuffles, typed
 * arrays allocated once per fit. Weights rounded to six significant digits before anything is
 * measured, so what training scores is what the router runs.
 */
import { type PairNetFile } from '../../src/cache/verify/pair-net.js'
import { seededRandom } from '../../src/seeded-random.js'
import { Adam } from '../lib/adam.js'

export interface PairNetOptions {
  readonly hidden: number
  readonly epochs: number
  readonly seed: number
  readonly rate?: number
  readonly batch?: number
  /** L2 on the first layer's weights. */
  readonly decay?: number
}

/**
 * `rows`: raw inputs (pair-net.ts pairNetInput), all of one length; `labels` 1 for the same
 * request; `weights` per row. Standardisation is fitted on these rows.
 */
export function fitPairNet(
  rows: readonly Float32Array[],
  labels: readonly number[],
  weights: readonly number[],
  o: PairNetOptions,
): PairNetFile {
  const n = rows.length
  const D = rows[0]!.length
  const H = o.hidden
  const rate = o.rate ?? 1e-3
  const B = o.batch ?? 64
  const decay = o.decay ?? 1e-4
  const mean = new Float64Array(D)
  const scale = new Float64Array(D)
  for (const r of rows) for (let d = 0; d < D; d++) mean[d] = mean[d]! + r[d]! / n
  for (const r of rows)
    for (let d = 0; d < D; d++) scale[d] = scale[d]! + (r[d]! - mean[d]!) ** 2 / n
  for (let d = 0; d < D; d++) scale[d] = round(Math.sqrt(scale[d]!) || 1)
  for (let d = 0; d < D; d++) mean[d] = round(mean[d]!)
  const X = new Float32Array(n * D)
  for (let i = 0; i < n; i++)
    for (let d = 0; d < D; d++) X[i * D + d] = (rows[i]![d]! - mean[d]!) / scale[d]!
  const meanWeight = weights.reduce((s, w) => s + w, 0) / n

  const random = seededRandom(o.seed)
  const w1 = new Float32Array(H * D).map(() => (random() * 2 - 1) * Math.sqrt(6 / (D + H)))
  const b1 = new Float32Array(H)
  const w2 = new Float32Array(H).map(() => (random() * 2 - 1) * Math.sqrt(6 / (H + 1)))
  const b2 = new Float32Array(1)
  // One gradient array per parameter array; L2 only on the first layer's weights.
  const g = {
    w1: new Float32Array(H * D),
    b1: new Float32Array(H),
    w2: new Float32Array(H),
    b2: new Float32Array(1),
  }
  const adam = [
    new Adam(w1, g.w1, rate, decay),
    new Adam(b1, g.b1, rate, 0),
    new Adam(w2, g.w2, rate, 0),
    new Adam(b2, g.b2, rate, 0),
  ]
  const h = new Float32Array(H)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  for (let e = 0; e < o.epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (let s0 = 0; s0 < n; s0 += B) {
      const end = Math.min(n, s0 + B)
      for (let s = s0; s < end; s++) {
        const k = order[s]!
        const row = k * D
        let z = b2[0]!
        for (let j = 0; j < H; j++) {
          let a = b1[j]!
          const wr = j * D
          for (let d = 0; d < D; d++) a += w1[wr + d]! * X[row + d]!
          h[j] = a > 0 ? a : 0
          z += w2[j]! * h[j]!
        }
        const dz = ((1 / (1 + Math.exp(-z)) - labels[k]!) * weights[k]!) / meanWeight / (end - s0)
        g.b2[0] = g.b2[0]! + dz
        for (let j = 0; j < H; j++) {
          g.w2[j] = g.w2[j]! + dz * h[j]!
          if (h[j]! <= 0) continue
          const dh = dz * w2[j]!
          g.b1[j] = g.b1[j]! + dh
          const wr = j * D
          for (let d = 0; d < D; d++) g.w1[wr + d] = g.w1[wr + d]! + dh * X[row + d]!
        }
      }
      for (const opt of adam) opt.step()
    }
  }
  const list = (a: ArrayLike<number>) => Array.from(a, round)
  return {
    hidden: H,
    mean: list(mean),
    scale: list(scale),
    w1: list(w1),
    b1: list(b1),
    w2: list(w2),
    b2: round(b2[0]!),
  }
}

function round(x: number): number {
  return +x.toPrecision(6)
}
