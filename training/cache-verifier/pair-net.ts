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
  let b2 = 0
  const params = [w1, b1, w2]
  const grads = params.map((p) => new Float32Array(p.length))
  const m1 = params.map((p) => new Float32Array(p.length))
  const m2 = params.map((p) => new Float32Array(p.length))
  let gb2 = 0
  let mb2 = 0
  let vb2 = 0
  const h = new Float32Array(H)
  const order = Int32Array.from({ length: n }, (_, i) => i)
  let step = 0
  for (let e = 0; e < o.epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (let s0 = 0; s0 < n; s0 += B) {
      const end = Math.min(n, s0 + B)
      for (const g of grads) g.fill(0)
      gb2 = 0
      for (let s = s0; s < end; s++) {
        const k = order[s]!
        const row = k * D
        let z = b2
        for (let j = 0; j < H; j++) {
          let a = b1[j]!
          const wr = j * D
          for (let d = 0; d < D; d++) a += w1[wr + d]! * X[row + d]!
          h[j] = a > 0 ? a : 0
          z += w2[j]! * h[j]!
        }
        const dz = ((1 / (1 + Math.exp(-z)) - labels[k]!) * weights[k]!) / meanWeight / (end - s0)
        gb2 += dz
        for (let j = 0; j < H; j++) {
          grads[2]![j] = grads[2]![j]! + dz * h[j]!
          if (h[j]! <= 0) continue
          const dh = dz * w2[j]!
          grads[1]![j] = grads[1]![j]! + dh
          const wr = j * D
          for (let d = 0; d < D; d++) grads[0]![wr + d] = grads[0]![wr + d]! + dh * X[row + d]!
        }
      }
      step++
      const c1 = 1 - 0.9 ** step
      const c2 = 1 - 0.999 ** step
      for (let p = 0; p < params.length; p++) {
        const w = params[p]!
        const g = grads[p]!
        const a = m1[p]!
        const v = m2[p]!
        for (let q = 0; q < w.length; q++) {
          const gr = g[q]! + (p === 0 ? decay * w[q]! : 0)
          a[q] = 0.9 * a[q]! + 0.1 * gr
          v[q] = 0.999 * v[q]! + 0.001 * gr * gr
          w[q] = w[q]! - (rate * a[q]!) / c1 / (Math.sqrt(v[q]! / c2) + 1e-8)
        }
      }
      mb2 = 0.9 * mb2 + 0.1 * gb2
      vb2 = 0.999 * vb2 + 0.001 * gb2 * gb2
      b2 -= (rate * mb2) / c1 / (Math.sqrt(vb2 / c2) + 1e-8)
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
    b2: round(b2),
  }
}

function round(x: number): number {
  return +x.toPrecision(6)
}
