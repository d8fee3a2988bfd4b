/**
 * The word-order part of the jailbreak classifier: a 1-D convolution over the text's word vectors.
 * Each token's vector is projected to k dimensions, x_t = P·v_t (plus its knowledge flags,
 * concepts.ts); F filters of width w read w consecutive tokens,
 *
 *   z_{t,f} = b_f + Σ_{o<w} K_f[o]·x_{t+o}        (zero vectors outside the text)
 *   m_f     = max_t relu(z_{t,f})                 (every position, so order and position matter)
 *   score   = u·m + c        (with `monotone`, u >= 0: appending text can only raise the score)
 *
 * so "put a tracker on her car" and "find a tracker on my car" differ by the words around the
 * topic, in order, not by which words the bag holds. Trained by hand-written gradients (max-pool
 * sends each filter's gradient to its best position; backward() here) on mini-batches; each
 * example's word vectors are looked up from the one dequantised table (no per-epoch copies).
 * After training,
 * x_t is computed once per vocabulary word and stored as an int8 table with a scale per row, so the
 * shipped graph gathers k numbers per token and never holds the 100-d table.
 *
 * With `attention` > 0 the convolution reads y_t = x_t + self-attention over the text
 * (attention.ts) instead of x_t: each token's row then carries what the rest of the text says
 * about it. Training (Adam, and the ranking loss on minimal-pair twins) is in conv-train.ts.
 */
import {
  attend,
  attendBackward,
  AttentionWork,
  type Attention,
  type AttentionGrads,
} from './attention.js'
import type { TokenVectors } from './window-model.js'

export interface ConvSpec {
  /** Projected dimensions k, knowledge flags per token, filters F, width w. */
  readonly projected: number
  readonly concepts: number
  readonly filters: number
  readonly width: number
  /** Query/key size of the self-attention layer before the convolution; 0 = none. */
  readonly attention: number
}

export interface ConvModel extends ConvSpec {
  /** K [F × w × C] with C = k + concepts (row-major: filter, offset, channel), b [F], u [F]. */
  readonly K: Float32Array
  readonly b: Float32Array
  readonly u: Float32Array
  c: number
  /** Present when spec.attention > 0. */
  readonly layer?: Attention
}

export interface ConvExample {
  readonly ids: readonly number[]
  readonly label: 0 | 1
  readonly weight: number
}

/** The ranking loss on minimal-pair twins: weight·softplus(margin − (s_harmful − s_benign)). */
export interface PairLoss {
  readonly weight: number
  readonly margin: number
}

export interface ConvOptions {
  readonly epochs: number
  readonly rate: number
  readonly l2: number
  readonly batch: number
  readonly seed: number
  /** Longest text read in training (tokens); the graph reads any length. */
  readonly maxTokens: number
  /** Output weights kept >= 0: the score never drops when words are appended (default off). */
  readonly monotone?: boolean
  /** Ranking loss on the twins given to trainConvModel (absent: twins are ordinary examples). */
  readonly pairLoss?: PairLoss
}

export const channels = (s: ConvSpec): number => s.projected + s.concepts

/** Per-token features x_t by token id. */
export interface TokenRows {
  row(id: number): Float32Array
}

/** Work buffers sized for the longest text: no allocation per example. */
export class Scratch {
  readonly x: Float32Array
  readonly dx: Float32Array
  /** What the convolution reads: x, or x after the attention layer. */
  readonly y: Float32Array
  readonly dy: Float32Array
  readonly arg: Int32Array
  readonly m: Float32Array
  readonly work?: AttentionWork
  /** Tokens and positions of the text in the buffers. */
  n = 0
  L = 0
  constructor(spec: ConvSpec, maxTokens: number) {
    const C = channels(spec)
    // w − 1 zero positions before the text and w after it (a window wholly outside the text
    // exists in training too, as it does in a padded batch at run time).
    const positions = maxTokens + 2 * spec.width
    this.x = new Float32Array(positions * C)
    this.dx = new Float32Array(positions * C)
    this.y = spec.attention > 0 ? new Float32Array(positions * C) : this.x
    this.dy = spec.attention > 0 ? new Float32Array(positions * C) : this.dx
    this.arg = new Int32Array(spec.filters)
    this.m = new Float32Array(spec.filters)
    if (spec.attention > 0) this.work = new AttentionWork(spec.attention, C, maxTokens)
  }
}

/** Fills s.x with the text's features (zero padded) and s.y with what the convolution reads. */
export function fill(model: ConvModel, ids: readonly number[], rows: TokenRows, s: Scratch): void {
  const C = channels(model)
  const w = model.width
  const L = ids.length + 2 * w - 1
  s.n = ids.length
  s.L = L
  s.x.fill(0, 0, (L + 1) * C)
  for (let t = 0; t < ids.length; t++) s.x.set(rows.row(ids[t]!), (t + w - 1) * C)
  if (!model.layer) return
  s.y.fill(0, 0, (L + 1) * C)
  attend(model.layer, C, s.x, s.y, w - 1, ids.length, s.work!)
}

/** Forward pass: fills s.m (pooled) and s.arg (best start per filter); returns the score. */
export function forward(model: ConvModel, s: Scratch): number {
  const C = channels(model)
  const span = model.width * C
  const L = s.L
  let score = model.c
  for (let f = 0; f < model.filters; f++) {
    let best = 0
    let arg = -1
    const kf = f * span
    for (let t = 0; t + model.width <= L; t++) {
      let z = model.b[f]!
      const xt = t * C
      for (let j = 0; j < span; j++) z += model.K[kf + j]! * s.y[xt + j]!
      if (z > best) {
        best = z
        arg = t
      }
    }
    s.m[f] = best
    s.arg[f] = arg
    score += model.u[f]! * best
  }
  return score
}

/** Gradients of every trained array (same shapes as the model's and P). */
export interface ConvGrads {
  readonly K: Float32Array
  readonly b: Float32Array
  readonly u: Float32Array
  readonly c: Float32Array
  readonly P: Float32Array
  readonly layer?: AttentionGrads
}

/** Backward of fill + forward for dL/dscore = g: adds to grads and leaves dL/dx in s.dx. */
export function backward(model: ConvModel, s: Scratch, g: number, grads: ConvGrads): void {
  const C = channels(model)
  const span = model.width * C
  grads.c[0] = grads.c[0]! + g
  s.dy.fill(0, 0, (s.L + 1) * C)
  for (let f = 0; f < model.filters; f++) {
    grads.u[f] = grads.u[f]! + g * s.m[f]!
    const t = s.arg[f]!
    if (t < 0) continue
    const dz = g * model.u[f]!
    grads.b[f] = grads.b[f]! + dz
    const kf = f * span
    const xt = t * C
    for (let j = 0; j < span; j++) {
      grads.K[kf + j] = grads.K[kf + j]! + dz * s.y[xt + j]!
      s.dy[xt + j] = s.dy[xt + j]! + dz * model.K[kf + j]!
    }
  }
  if (!model.layer) return
  s.dx.fill(0, 0, (s.L + 1) * C)
  const off = model.width - 1
  attendBackward(model.layer, C, s.x, s.dy, s.dx, off, s.n, s.work!, grads.layer!)
}

export function convScore(model: ConvModel, ids: readonly number[], rows: TokenRows): number {
  const s = new Scratch(model, Math.max(ids.length, 1))
  fill(model, ids, rows, s)
  return forward(model, s)
}

/** x_t for a token id under P: its projected word vector, then its flags. */
export function projectRow(
  P: Float32Array,
  k: number,
  v: Float32Array,
  flags: Float32Array,
  f: number,
  id: number,
  out: Float32Array,
): void {
  const D = v.length
  for (let d = 0; d < k; d++) {
    let x = 0
    for (let i = 0; i < D; i++) x += P[d * D + i]! * v[i]!
    out[d] = x
  }
  for (let j = 0; j < f; j++) out[k + j] = flags[id * f + j]!
}

/** The int8 table of x_t for every vocabulary id, one scale per row (what the graph gathers). */
export interface ConvTable {
  readonly rows: number
  readonly dim: number
  readonly codes: Int8Array
  readonly scales: Float32Array
}

export function convTable(
  spec: ConvSpec,
  P: Float32Array,
  vectors: TokenVectors,
  flags: Float32Array,
  vocabSize: number,
): ConvTable {
  const C = channels(spec)
  const codes = new Int8Array(vocabSize * C)
  const scales = new Float32Array(vocabSize)
  const x = new Float32Array(C)
  for (let r = 0; r < vocabSize; r++) {
    projectRow(P, spec.projected, vectors.vector(r), flags, spec.concepts, r, x)
    let max = 0
    for (let d = 0; d < C; d++) max = Math.max(max, Math.abs(x[d]!))
    const scale = max === 0 ? 1 : max / 127
    scales[r] = scale
    for (let d = 0; d < C; d++) codes[r * C + d] = Math.round(x[d]! / scale)
  }
  return { rows: vocabSize, dim: C, codes, scales }
}

/** Rows read back from the quantised table (what the graph computes). */
export function tableRows(table: ConvTable): TokenRows {
  const out = new Float32Array(table.dim)
  return {
    row(id) {
      for (let d = 0; d < table.dim; d++)
        out[d] = table.codes[id * table.dim + d]! * table.scales[id]!
      return out
    },
  }
}

/** Multiply the convolution's score by a (its share of the stacked, calibrated logit). */
export function scaleConv(model: ConvModel, a: number): void {
  for (let f = 0; f < model.u.length; f++) model.u[f] = model.u[f]! * a
  model.c *= a
}
