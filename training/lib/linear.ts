/**
 * Multinomial logistic regression over token unigrams and hashed token bigrams — the model the
 * embedded category classifier ONNX graph computes. Features are exactly those of the graph:
 *
 *   logits = Σ U[t_i] / pool(n) + Σ B[(t_i·V + t_{i+1}) mod H] / pool(n-1) + b
 *
 * over all positions of the tokenised text (special tokens included), pool = n or √n.
 * Trained with AdaGrad and L2 on the rows touched, class-balanced.
 */
export type Pooling = 'mean' | 'sqrt'

export interface LinearSpec {
  readonly vocabSize: number
  readonly buckets: number
  readonly labels: number
  readonly pooling: Pooling
}

export interface Example {
  readonly ids: readonly number[]
  readonly label: number
  readonly weight: number
}

export interface LinearModel extends LinearSpec {
  readonly unigram: Float32Array
  readonly bigram: Float32Array
  readonly bias: Float32Array
}

interface Feature {
  readonly row: number
  readonly table: 0 | 1
  readonly value: number
}

export function features(ids: readonly number[], spec: LinearSpec): Feature[] {
  const pool = (k: number): number =>
    spec.pooling === 'mean' ? Math.max(1, k) : Math.sqrt(Math.max(1, k))
  const out: Feature[] = []
  const nu = ids.length
  for (const t of ids) out.push({ row: t, table: 0, value: 1 / pool(nu) })
  if (spec.buckets > 0) {
    for (let i = 0; i + 1 < ids.length; i++) {
      out.push({
        row: (ids[i]! * spec.vocabSize + ids[i + 1]!) % spec.buckets,
        table: 1,
        value: 1 / pool(nu - 1),
      })
    }
  }
  return out
}

export function scores(model: LinearModel, ids: readonly number[]): Float32Array {
  const L = model.labels
  const z = Float32Array.from(model.bias)
  for (const f of features(ids, model)) {
    const table = f.table === 0 ? model.unigram : model.bigram
    for (let k = 0; k < L; k++) z[k] = z[k]! + table[f.row * L + k]! * f.value
  }
  return z
}

export interface TrainOptions {
  readonly epochs: number
  readonly learningRate: number
  readonly l2: number
  readonly seed: number
}

export function train(
  spec: LinearSpec,
  examples: readonly Example[],
  opts: TrainOptions,
): LinearModel {
  const L = spec.labels
  const model: LinearModel = {
    ...spec,
    unigram: new Float32Array(spec.vocabSize * L),
    bigram: new Float32Array(Math.max(1, spec.buckets) * L),
    bias: new Float32Array(L),
  }
  const g2 = [new Float32Array(model.unigram.length), new Float32Array(model.bigram.length)]
  const biasG2 = new Float32Array(L)
  const classWeight = balance(examples, L)
  const feats = examples.map((e) => features(e.ids, spec))
  const order = examples.map((_, i) => i)
  let state = opts.seed >>> 0
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296
  }
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const index of order) {
      const ex = examples[index]!
      const z = scores(model, ex.ids)
      let max = -Infinity
      for (let k = 0; k < L; k++) max = Math.max(max, z[k]!)
      let sum = 0
      for (let k = 0; k < L; k++) sum += z[k] = Math.exp(z[k]! - max)
      const w = ex.weight * classWeight[ex.label]!
      for (let k = 0; k < L; k++) {
        const grad = (z[k]! / sum - (k === ex.label ? 1 : 0)) * w
        biasG2[k] = biasG2[k]! + grad * grad
        model.bias[k] = model.bias[k]! - (opts.learningRate * grad) / Math.sqrt(biasG2[k]! + 1e-8)
        for (const f of feats[index]!) {
          const table = f.table === 0 ? model.unigram : model.bigram
          const acc = g2[f.table]!
          const p = f.row * L + k
          const gp = grad * f.value + opts.l2 * table[p]!
          acc[p] = acc[p]! + gp * gp
          table[p] = table[p]! - (opts.learningRate * gp) / Math.sqrt(acc[p] + 1e-8)
        }
      }
    }
  }
  return model
}

function balance(examples: readonly Example[], L: number): Float32Array {
  const mass = new Float32Array(L)
  for (const e of examples) mass[e.label] = mass[e.label]! + e.weight
  const total = mass.reduce((a, b) => a + b, 0)
  return mass.map((m) => (m > 0 ? total / (L * m) : 0))
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i
  return best
}
