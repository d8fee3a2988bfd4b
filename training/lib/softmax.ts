/**
 * A small softmax classifier over two kinds of features, trained with AdaGrad in plain JS:
 *
 *   logits = b + U·(Σ_t u[t]) / √n  +  W2 · act(W1 · x + b1)   (or W · x without a hidden layer)
 *
 * where `u[t]` are learned per-token rows (sparse word features) and `x` a dense vector (the
 * weighted mean of word vectors). Class-balanced, L2-regularised, seeded: the same data and
 * options give the same weights. The ONNX graph of the category classifier computes exactly this.
 */
import { seededRandom } from '../../src/seeded-random.js'

export interface SoftmaxSpec {
  readonly labels: number
  /** Rows of the sparse token table (0 = no sparse features). */
  readonly tokens: number
  /** Width of the dense input (0 = none). */
  readonly dense: number
  /** Hidden units on the dense input (0 = linear). */
  readonly hidden: number
}

export interface SoftmaxExample {
  /** Sparse token ids (each contributes 1/√n, or its `idScale`). */
  readonly ids: readonly number[]
  /** Optional per-token factor of each sparse id, in the order of `ids` (default 1/√n each). */
  readonly idScale?: Float32Array
  readonly x: Float32Array
  readonly label: number
  readonly weight: number
}

export interface SoftmaxModel extends SoftmaxSpec {
  /** [tokens, labels] */
  readonly table: Float32Array
  /** hidden > 0: [dense, hidden]; else [dense, labels] */
  readonly w1: Float32Array
  readonly b1: Float32Array
  /** [hidden, labels] (hidden > 0) */
  readonly w2: Float32Array
  readonly bias: Float32Array
}

export interface SoftmaxOptions {
  readonly epochs: number
  readonly learningRate: number
  readonly l2Sparse: number
  readonly l2Dense: number
  readonly seed: number
}

export function logits(
  m: SoftmaxModel,
  ex: Pick<SoftmaxExample, 'ids' | 'x' | 'idScale'>,
): Float32Array {
  return forward(m, ex).z
}

function forward(m: SoftmaxModel, ex: Pick<SoftmaxExample, 'ids' | 'x' | 'idScale'>) {
  const L = m.labels
  const z = Float32Array.from(m.bias)
  if (m.tokens > 0 && ex.ids.length > 0) {
    const s = 1 / Math.sqrt(ex.ids.length)
    for (let j = 0; j < ex.ids.length; j++) {
      const t = ex.ids[j]!
      const f = ex.idScale ? ex.idScale[j]! : s
      for (let k = 0; k < L; k++) z[k] = z[k]! + m.table[t * L + k]! * f
    }
  }
  let h: Float32Array | null = null
  if (m.dense > 0) {
    if (m.hidden > 0) {
      h = Float32Array.from(m.b1)
      for (let d = 0; d < m.dense; d++) {
        const xd = ex.x[d]!
        if (xd === 0) continue
        for (let j = 0; j < m.hidden; j++) h[j] = h[j]! + xd * m.w1[d * m.hidden + j]!
      }
      for (let j = 0; j < m.hidden; j++) h[j] = Math.max(0, h[j]!)
      for (let j = 0; j < m.hidden; j++) {
        if (h[j] === 0) continue
        for (let k = 0; k < L; k++) z[k] = z[k]! + h[j]! * m.w2[j * L + k]!
      }
    } else {
      for (let d = 0; d < m.dense; d++)
        for (let k = 0; k < L; k++) z[k] = z[k]! + ex.x[d]! * m.w1[d * L + k]!
    }
  }
  return { z, h }
}

export function softmaxOf(z: ArrayLike<number>, temperature = 1): Float32Array {
  let max = -Infinity
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]! / temperature)
  const p = new Float32Array(z.length)
  let sum = 0
  for (let k = 0; k < z.length; k++) sum += p[k] = Math.exp(z[k]! / temperature - max)
  for (let k = 0; k < z.length; k++) p[k] = p[k]! / sum
  return p
}

export function trainSoftmax(
  spec: SoftmaxSpec,
  examples: readonly SoftmaxExample[],
  opts: SoftmaxOptions,
): SoftmaxModel {
  const L = spec.labels
  const random = seededRandom(opts.seed)
  const inner = spec.hidden > 0 ? spec.hidden : L
  const init = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale)
  const m: SoftmaxModel = {
    ...spec,
    table: new Float32Array(spec.tokens * L),
    w1:
      spec.hidden > 0
        ? init(spec.dense * inner, Math.sqrt(6 / (spec.dense + inner)))
        : new Float32Array(spec.dense * L),
    b1: new Float32Array(spec.hidden),
    w2:
      spec.hidden > 0
        ? init(spec.hidden * L, Math.sqrt(6 / (spec.hidden + L)))
        : new Float32Array(0),
    bias: new Float32Array(L),
  }
  const acc = {
    table: new Float32Array(m.table.length),
    w1: new Float32Array(m.w1.length),
    b1: new Float32Array(m.b1.length),
    w2: new Float32Array(m.w2.length),
    bias: new Float32Array(L),
  }
  const lr = opts.learningRate
  const step = (w: Float32Array, a: Float32Array, i: number, g: number): void => {
    a[i] = a[i]! + g * g
    w[i] = w[i]! - (lr * g) / Math.sqrt(a[i] + 1e-8)
  }
  const mass = new Float32Array(L)
  for (const e of examples) mass[e.label] = mass[e.label]! + e.weight
  const total = mass.reduce((a, b) => a + b, 0)
  const classWeight = mass.map((v) => (v > 0 ? total / (L * v) : 0))
  const order = examples.map((_, i) => i)
  const gz = new Float32Array(L)
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const index of order) {
      const ex = examples[index]!
      const { z, h } = forward(m, ex)
      const p = softmaxOf(z)
      const w = ex.weight * classWeight[ex.label]!
      for (let k = 0; k < L; k++) gz[k] = (p[k]! - (k === ex.label ? 1 : 0)) * w
      for (let k = 0; k < L; k++) step(m.bias, acc.bias, k, gz[k]!)
      if (m.tokens > 0 && ex.ids.length > 0) {
        const s = 1 / Math.sqrt(ex.ids.length)
        for (let j = 0; j < ex.ids.length; j++) {
          const t = ex.ids[j]!
          const f = ex.idScale ? ex.idScale[j]! : s
          for (let k = 0; k < L; k++) {
            const i = t * L + k
            step(m.table, acc.table, i, gz[k]! * f + opts.l2Sparse * m.table[i]!)
          }
        }
      }
      if (m.dense === 0) continue
      if (h) {
        const gh = new Float32Array(m.hidden)
        for (let j = 0; j < m.hidden; j++) {
          if (h[j] === 0) continue
          for (let k = 0; k < L; k++) {
            const i = j * L + k
            gh[j] = gh[j]! + gz[k]! * m.w2[i]!
            step(m.w2, acc.w2, i, gz[k]! * h[j]! + opts.l2Dense * m.w2[i]!)
          }
        }
        for (let j = 0; j < m.hidden; j++) {
          if (gh[j] === 0) continue
          step(m.b1, acc.b1, j, gh[j]!)
          for (let d = 0; d < m.dense; d++) {
            const i = d * m.hidden + j
            step(m.w1, acc.w1, i, gh[j]! * ex.x[d]! + opts.l2Dense * m.w1[i]!)
          }
        }
      } else {
        for (let d = 0; d < m.dense; d++)
          for (let k = 0; k < L; k++) {
            const i = d * L + k
            step(m.w1, acc.w1, i, gz[k]! * ex.x[d]! + opts.l2Dense * m.w1[i]!)
          }
      }
    }
  }
  return m
}
