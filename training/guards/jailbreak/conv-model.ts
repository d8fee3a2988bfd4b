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
 * sends each filter's gradient to its best position) with Adam on mini-batches; each example's
 * word vectors are looked up from the one dequantised table (no per-epoch copies). After training,
 * x_t is computed once per vocabulary word and stored as an int8 table with a scale per row, so the
 * shipped graph gathers k numbers per token and never holds the 100-d table.
 */
import type { TokenVectors } from './window-model.js'
import { seeded, sigmoid } from './window-model.js'

export interface ConvSpec {
  /** Projected dimensions k, knowledge flags per token, filters F, width w. */
  readonly projected: number
  readonly concepts: number
  readonly filters: number
  readonly width: number
}

export interface ConvModel extends ConvSpec {
  /** K [F × w × C] with C = k + concepts (row-major: filter, offset, channel), b [F], u [F]. */
  readonly K: Float32Array
  readonly b: Float32Array
  readonly u: Float32Array
  c: number
}

export interface ConvExample {
  readonly ids: readonly number[]
  readonly label: 0 | 1
  readonly weight: number
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
}

export const channels = (s: ConvSpec): number => s.projected + s.concepts

/** Per-token features x_t by token id. */
export interface TokenRows {
  row(id: number): Float32Array
}

/** Work buffers sized for the longest text: no allocation per example. */
class Scratch {
  readonly x: Float32Array
  readonly dx: Float32Array
  readonly arg: Int32Array
  readonly m: Float32Array
  constructor(spec: ConvSpec, maxTokens: number) {
    const C = channels(spec)
    // w − 1 zero positions before the text and w after it (a window wholly outside the text
    // exists in training too, as it does in a padded batch at run time).
    const positions = maxTokens + 2 * spec.width
    this.x = new Float32Array(positions * C)
    this.dx = new Float32Array(positions * C)
    this.arg = new Int32Array(spec.filters)
    this.m = new Float32Array(spec.filters)
  }
}

/** Fills scratch.x with the text's features (zero padded); returns the number of positions. */
function fill(spec: ConvSpec, ids: readonly number[], rows: TokenRows, s: Scratch): number {
  const C = channels(spec)
  const w = spec.width
  const L = ids.length + 2 * w - 1
  s.x.fill(0, 0, (L + 1) * C)
  for (let t = 0; t < ids.length; t++) s.x.set(rows.row(ids[t]!), (t + w - 1) * C)
  return L
}

/** Forward pass: fills s.m (pooled) and s.arg (best start per filter); returns the score. */
function forward(model: ConvModel, L: number, s: Scratch): number {
  const C = channels(model)
  const span = model.width * C
  let score = model.c
  for (let f = 0; f < model.filters; f++) {
    let best = 0
    let arg = -1
    const kf = f * span
    for (let t = 0; t + model.width <= L; t++) {
      let z = model.b[f]!
      const xt = t * C
      for (let j = 0; j < span; j++) z += model.K[kf + j]! * s.x[xt + j]!
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

export function convScore(model: ConvModel, ids: readonly number[], rows: TokenRows): number {
  const s = new Scratch(model, Math.max(ids.length, 1))
  return forward(model, fill(model, ids, rows, s), s)
}

/** Adam over one flat parameter array. */
class Adam {
  private readonly m1: Float32Array
  private readonly m2: Float32Array
  private t = 0
  constructor(
    readonly values: Float32Array,
    readonly grad: Float32Array,
    private readonly rate: number,
    private readonly l2: number,
  ) {
    this.m1 = new Float32Array(values.length)
    this.m2 = new Float32Array(values.length)
  }
  step(): void {
    this.t++
    const c1 = 1 - 0.9 ** this.t
    const c2 = 1 - 0.999 ** this.t
    for (let i = 0; i < this.values.length; i++) {
      const g = this.grad[i]! + this.l2 * this.values[i]!
      this.m1[i] = 0.9 * this.m1[i]! + 0.1 * g
      this.m2[i] = 0.999 * this.m2[i]! + 0.001 * g * g
      this.values[i] =
        this.values[i]! - (this.rate * (this.m1[i]! / c1)) / (Math.sqrt(this.m2[i]! / c2) + 1e-8)
      this.grad[i] = 0
    }
  }
}

export interface ConvTrained {
  readonly model: ConvModel
  /** The projection P [k × D] (row-major). */
  readonly P: Float32Array
}

/** x_t for every id under the current P (recomputed per batch for the ids it uses). */
function projectRow(
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

/** dP[d][i] += Σ_t dx_t[d] · v_t[i] over the text's tokens (dx holds the padded positions). */
function projectionGrad(
  ids: readonly number[],
  dx: Float32Array,
  w: number,
  C: number,
  k: number,
  vectors: TokenVectors,
  gP: Float32Array,
): void {
  const D = vectors.dim
  for (let t = 0; t < ids.length; t++) {
    const at = (t + w - 1) * C
    let v: Float32Array | undefined
    for (let d = 0; d < k; d++) {
      const a = dx[at + d]!
      if (a === 0) continue
      v ??= vectors.vector(ids[t]!)
      const o = d * D
      for (let i = 0; i < D; i++) gP[o + i] = gP[o + i]! + a * v[i]!
    }
  }
}

export function trainConvModel(
  spec: ConvSpec,
  examples: readonly ConvExample[],
  opts: ConvOptions,
  vectors: TokenVectors,
  flags: Float32Array,
): ConvTrained {
  const k = spec.projected
  const C = channels(spec)
  const D = vectors.dim
  const F = spec.filters
  const w = spec.width
  const random = seeded(opts.seed)
  const model: ConvModel = {
    ...spec,
    K: Float32Array.from({ length: F * w * C }, () => (random() * 2) / Math.sqrt(w * C)),
    b: new Float32Array(F),
    u: Float32Array.from({ length: F }, () => random() * 0.2),
    c: 0,
  }
  const P = Float32Array.from({ length: k * D }, () => (random() * 2) / Math.sqrt(D))
  const gK = new Float32Array(model.K.length)
  const gb = new Float32Array(F)
  const gu = new Float32Array(F)
  const gP = new Float32Array(P.length)
  const gc = new Float32Array(1)
  const cArr = new Float32Array(1)
  const adam = [
    new Adam(model.K, gK, opts.rate, opts.l2),
    new Adam(model.b, gb, opts.rate, 0),
    new Adam(model.u, gu, opts.rate, opts.l2),
    new Adam(P, gP, opts.rate, opts.l2),
    new Adam(cArr, gc, opts.rate, 0),
  ]
  const s = new Scratch(spec, opts.maxTokens)
  // Rows of the current P, per id, valid within one batch (P changes once per batch).
  const rowCache = new Map<number, Float32Array>()
  const rows: TokenRows = {
    row(id) {
      let r = rowCache.get(id)
      if (!r) {
        r = new Float32Array(C)
        projectRow(P, k, vectors.vector(id), flags, spec.concepts, id, r)
        rowCache.set(id, r)
      }
      return r
    },
  }
  const positives = examples.filter((e) => e.label === 1).length
  const classWeight = [
    examples.length / (2 * Math.max(1, examples.length - positives)),
    examples.length / (2 * Math.max(1, positives)),
  ]
  const order = examples.map((_, i) => i).filter((i) => examples[i]!.ids.length > 0)
  const span = w * C
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor((random() + 0.5) * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (let start = 0; start < order.length; start += opts.batch) {
      rowCache.clear()
      const end = Math.min(order.length, start + opts.batch)
      for (let n = start; n < end; n++) {
        const ex = examples[order[n]!]!
        const ids = ex.ids.length > opts.maxTokens ? ex.ids.slice(0, opts.maxTokens) : ex.ids
        const L = fill(spec, ids, rows, s)
        model.c = cArr[0]!
        const p = sigmoid(forward(model, L, s))
        const g = (p - ex.label) * ex.weight * classWeight[ex.label]!
        gc[0] = gc[0]! + g
        s.dx.fill(0, 0, (L + 1) * C)
        for (let f = 0; f < F; f++) {
          gu[f] = gu[f]! + g * s.m[f]!
          const t = s.arg[f]!
          if (t < 0) continue
          const dz = g * model.u[f]!
          gb[f] = gb[f]! + dz
          const kf = f * span
          const xt = t * C
          for (let j = 0; j < span; j++) {
            gK[kf + j] = gK[kf + j]! + dz * s.x[xt + j]!
            s.dx[xt + j] = s.dx[xt + j]! + dz * model.K[kf + j]!
          }
        }
        projectionGrad(ids, s.dx, w, C, k, vectors, gP)
      }
      for (const a of adam) a.step()
      // u >= 0 (projected gradient): every m_f >= 0 can only grow when text is appended, so with
      // non-negative output weights appended words can never lower the score (as with the rules).
      if (opts.monotone) for (let f = 0; f < F; f++) if (model.u[f]! < 0) model.u[f] = 0
      model.c = cArr[0]!
    }
  }
  model.c = cArr[0]!
  return { model, P }
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
