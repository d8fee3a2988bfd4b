/**
 * The meaning part of the jailbreak classifier: each token's word vector v_t is projected to k
 * dimensions (e_t = P·v_t); a window's meaning is s = Σ e_t / √n over its tokens, and a small MLP
 * scores it, w·relu(A·s + a₀). Added to the window's lexical score (window-model.ts), this lets the
 * model combine what is asked ("make", "synthesize", "get") with what about ("fentanyl", "rifle")
 * instead of adding word weights. After training, e_t is computed once per vocabulary word and
 * stored as an int8 table with a scale per row (the ONNX graph gathers it by token id).
 */
import {
  bucketOf,
  seeded,
  sigmoid,
  type TokenVectors,
  type TrainOptions,
  type WindowExample,
  type WindowSpec,
} from './window-model.js'

export interface MlpSpec extends WindowSpec {
  /** Projected dimensions k, knowledge flags per token f (concepts.ts), hidden units H. */
  readonly projected: number
  readonly concepts: number
  readonly hidden: number
}

/** Feature dimensions per token: projected vector then knowledge flags. */
export const featureDims = (spec: MlpSpec): number => spec.projected + spec.concepts

/** Per-token features used to score: the lexical scalar and the projected vector. */
export interface TokenFeatures {
  readonly dim: number
  /** e_t for a token id (length dim). */
  projected(id: number): Float32Array
}

export interface MlpModel extends MlpSpec {
  readonly unigram: Float32Array
  readonly bigram: Float32Array
  /** A [H × k], a₀ [H], w [H]. */
  readonly A: Float32Array
  readonly a0: Float32Array
  readonly w: Float32Array
  bias: number
}

interface Window {
  readonly score: number
  readonly start: number
  readonly end: number
  readonly s: Float64Array
  readonly h: Float64Array
}

function lexical(model: MlpModel, ids: readonly number[], t: number): number {
  let c = model.unigram[ids[t]!]!
  if (model.buckets > 0 && t + 1 < ids.length)
    c += model.bigram[bucketOf(ids[t]!, ids[t + 1]!, model)]!
  return c
}

/** Best window of a text, with its meaning vector and hidden layer (for the gradient). */
export function bestMlpWindow(
  model: MlpModel,
  ids: readonly number[],
  feats: TokenFeatures,
): Window | null {
  const k = featureDims(model)
  const H = model.hidden
  const c = ids.map((_, t) => lexical(model, ids, t))
  const e = ids.map((id) => feats.projected(id))
  let best: Window | null = null
  for (const W of model.windows) {
    const sum = new Float64Array(k)
    let csum = 0
    for (let j = 0; j < ids.length; j++) {
      csum += c[j]!
      for (let d = 0; d < k; d++) sum[d] = sum[d]! + e[j]![d]!
      if (j >= W) {
        csum -= c[j - W]!
        for (let d = 0; d < k; d++) sum[d] = sum[d]! - e[j - W]![d]!
      }
      const n = Math.min(j + 1, W)
      const root = Math.sqrt(n)
      const s = Float64Array.from(sum, (x) => x / root)
      const h = new Float64Array(H)
      let score = csum / root
      for (let u = 0; u < H; u++) {
        let z = model.a0[u]!
        for (let d = 0; d < k; d++) z += model.A[u * k + d]! * s[d]!
        h[u] = z > 0 ? z : 0
        score += model.w[u]! * h[u]!
      }
      if (!best || score > best.score) best = { score, start: j + 1 - n, end: j + 1, s, h }
    }
  }
  return best
}

export function mlpLogit(model: MlpModel, ids: readonly number[], feats: TokenFeatures): number {
  const w = bestMlpWindow(model, ids, feats)
  return (w ? w.score : -1e4) + model.bias
}

class AdaGrad {
  private readonly g2: Float32Array
  constructor(
    private readonly values: Float32Array,
    private readonly rate: number,
    private readonly l2: number,
  ) {
    this.g2 = new Float32Array(values.length)
  }
  step(i: number, grad: number): void {
    const g = grad + this.l2 * this.values[i]!
    this.g2[i] = this.g2[i]! + g * g
    this.values[i] = this.values[i]! - (this.rate * g) / Math.sqrt(this.g2[i] + 1e-8)
  }
}

export interface MlpTrained {
  readonly model: MlpModel
  /** The projection P [k × D] (row-major). */
  readonly P: Float32Array
}

/** Projected features from raw vectors and P, then the token's knowledge flags. */
export function projector(
  P: Float32Array,
  k: number,
  vectors: TokenVectors,
  flags: Float32Array,
  f: number,
): TokenFeatures {
  const cache = new Map<number, Float32Array>()
  return {
    dim: k + f,
    projected(id) {
      let out = cache.get(id)
      if (out) return out
      const v = vectors.vector(id)
      out = new Float32Array(k + f)
      for (let j = 0; j < f; j++) out[k + j] = flags[id * f + j]!
      for (let d = 0; d < k; d++) {
        let x = 0
        for (let i = 0; i < v.length; i++) x += P[d * v.length + i]! * v[i]!
        out[d] = x
      }
      cache.set(id, out)
      return out
    },
  }
}

export function trainMlpModel(
  spec: MlpSpec,
  examples: readonly WindowExample[],
  opts: TrainOptions,
  vectors: TokenVectors,
  flags: Float32Array,
): MlpTrained {
  const k = spec.projected
  const K = featureDims(spec)
  const H = spec.hidden
  const D = vectors.dim
  const random = seeded(opts.seed)
  const model: MlpModel = {
    ...spec,
    unigram: new Float32Array(spec.vocabSize),
    bigram: new Float32Array(Math.max(1, spec.buckets)),
    A: Float32Array.from({ length: H * K }, () => random() * 0.5),
    a0: new Float32Array(H),
    w: Float32Array.from({ length: H }, () => random() * 0.5),
    bias: 0,
  }
  const P = Float32Array.from({ length: k * D }, () => random() * 0.2)
  const lr = opts.learningRate
  const opt = {
    u: new AdaGrad(model.unigram, lr, opts.l2),
    b: new AdaGrad(model.bigram, lr, opts.l2),
    A: new AdaGrad(model.A, opts.vectorRate, opts.l2Vectors),
    a0: new AdaGrad(model.a0, opts.vectorRate, 0),
    w: new AdaGrad(model.w, opts.vectorRate, opts.l2Vectors),
    P: new AdaGrad(P, opts.vectorRate, opts.l2Vectors),
  }
  let biasG2 = 0
  const positives = examples.filter((e) => e.label === 1).length
  const classWeight = [
    examples.length / (2 * Math.max(1, examples.length - positives)),
    examples.length / (2 * Math.max(1, positives)),
  ]
  const order = examples.map((_, i) => i)
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor((random() + 0.5) * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const index of order) {
      const ex = examples[index]!
      if (ex.ids.length === 0) continue
      // P changes every step: project this example's tokens with the current P.
      const feats = projector(P, k, vectors, flags, spec.concepts)
      const win = bestMlpWindow(model, ex.ids, feats)!
      const p = sigmoid(win.score + model.bias)
      const g = (p - ex.label) * ex.weight * classWeight[ex.label]!
      biasG2 += g * g
      model.bias -= (lr * g) / Math.sqrt(biasG2 + 1e-8)
      const n = win.end - win.start
      const root = Math.sqrt(n)
      // MLP: score += w·h, h = relu(A s + a0)
      const ds = new Float64Array(K)
      for (let u = 0; u < H; u++) {
        const gw = g * win.h[u]!
        const dh = win.h[u]! > 0 ? g * model.w[u]! : 0
        opt.w.step(u, gw)
        if (dh === 0) continue
        opt.a0.step(u, dh)
        for (let d = 0; d < K; d++) {
          ds[d] = ds[d]! + dh * model.A[u * K + d]!
          opt.A.step(u * K + d, dh * win.s[d]!)
        }
      }
      // P: s = P Σ v_t / √n  →  dP[d][i] = ds[d] · Σ v_t[i] / √n
      const vsum = new Float64Array(D)
      for (let t = win.start; t < win.end; t++) {
        const v = vectors.vector(ex.ids[t]!)
        for (let i = 0; i < D; i++) vsum[i] = vsum[i]! + v[i]!
      }
      for (let d = 0; d < k; d++) {
        if (ds[d] === 0) continue
        for (let i = 0; i < D; i++) opt.P.step(d * D + i, (ds[d]! * vsum[i]!) / root)
      }
      // Lexical weights of the window's tokens and pairs.
      for (let t = win.start; t < win.end; t++) {
        opt.u.step(ex.ids[t]!, g / root)
        if (model.buckets > 0 && t + 1 < ex.ids.length)
          opt.b.step(bucketOf(ex.ids[t]!, ex.ids[t + 1]!, model), g / root)
      }
    }
  }
  return { model, P }
}

/** The int8 table of projected vectors for every vocabulary id, with one scale per row. */
export interface ProjectedTable {
  readonly rows: number
  readonly dim: number
  readonly codes: Int8Array
  readonly scales: Float32Array
}

export function projectedTable(
  spec: MlpSpec,
  P: Float32Array,
  vectors: TokenVectors,
  flags: Float32Array,
): ProjectedTable {
  const feats = projector(P, spec.projected, vectors, flags, spec.concepts)
  const K = featureDims(spec)
  const rows = spec.vocabSize
  const codes = new Int8Array(rows * K)
  const scales = new Float32Array(rows)
  for (let r = 0; r < rows; r++) {
    const e = feats.projected(r)
    let max = 0
    for (let d = 0; d < K; d++) max = Math.max(max, Math.abs(e[d]!))
    const scale = max === 0 ? 1 : max / 127
    scales[r] = scale
    for (let d = 0; d < K; d++) codes[r * K + d] = Math.round(e[d]! / scale)
  }
  return { rows, dim: K, codes, scales }
}

/** Features read back from the quantised table (what the graph computes). */
export function tableFeatures(table: ProjectedTable): TokenFeatures {
  return {
    dim: table.dim,
    projected(id) {
      const out = new Float32Array(table.dim)
      for (let d = 0; d < table.dim; d++)
        out[d] = table.codes[id * table.dim + d]! * table.scales[id]!
      return out
    },
  }
}

/** Multiply the score by a and set the bias to a·bias + c (Platt scaling folded in). */
export function rescaleMlp(model: MlpModel, a: number, c: number): void {
  for (const t of [model.unigram, model.bigram, model.w])
    for (let i = 0; i < t.length; i++) t[i] = t[i]! * a
  model.bias = model.bias * a + c
}
