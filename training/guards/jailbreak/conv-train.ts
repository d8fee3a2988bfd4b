/**
 * Training of the jailbreak convolution (conv-model.ts): Adam on mini-batches, hand-written
 * gradients (conv-model.ts backward, attention.ts attendBackward, and the projection P here).
 * A unit of a batch is one example, or the two twins of a minimal pair: each twin's log loss plus
 * the ranking loss weight·softplus(margin − (s_harmful − s_benign)) when options.pairLoss is set.
 */
import { Adam } from '../../lib/adam.js'
import { initAttention } from './attention.js'
import {
  backward,
  channels,
  fill,
  forward,
  projectRow,
  Scratch,
  type ConvExample,
  type ConvGrads,
  type ConvModel,
  type ConvOptions,
  type ConvSpec,
  type PairLoss,
  type TokenRows,
} from './conv-model.js'
import { seeded, sigmoid, type TokenVectors } from './window-model.js'

export interface ConvTrained {
  readonly model: ConvModel
  /** The projection P [k × D] (row-major). */
  readonly P: Float32Array
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

const softplus = (z: number): number => (z > 30 ? z : Math.log1p(Math.exp(z)))

/**
 * The model, P, their gradients and two work buffers (a pair's twins); unit() adds one unit's
 * gradients and returns its loss. Exported for the finite-difference test.
 */
export class ConvLearner {
  readonly grads: ConvGrads
  private readonly s: readonly [Scratch, Scratch]
  // Rows of the current P, per id, valid until clearRows() (P changes once per batch).
  private readonly rowCache = new Map<number, Float32Array>()
  private readonly rows: TokenRows
  constructor(
    readonly model: ConvModel,
    readonly P: Float32Array,
    private readonly vectors: TokenVectors,
    private readonly flags: Float32Array,
    private readonly maxTokens: number,
  ) {
    const C = channels(model)
    this.grads = {
      K: new Float32Array(model.K.length),
      b: new Float32Array(model.filters),
      u: new Float32Array(model.filters),
      c: new Float32Array(1),
      P: new Float32Array(P.length),
      ...(model.layer
        ? {
            layer: {
              Wq: new Float32Array(model.layer.Wq.length),
              Wk: new Float32Array(model.layer.Wk.length),
              Wv: new Float32Array(model.layer.Wv.length),
            },
          }
        : {}),
    }
    this.s = [new Scratch(model, maxTokens), new Scratch(model, maxTokens)]
    this.rows = {
      row: (id) => {
        let r = this.rowCache.get(id)
        if (!r) {
          r = new Float32Array(C)
          projectRow(P, model.projected, vectors.vector(id), flags, model.concepts, id, r)
          this.rowCache.set(id, r)
        }
        return r
      },
    }
  }

  clearRows(): void {
    this.rowCache.clear()
  }

  private clip(ids: readonly number[]): readonly number[] {
    return ids.length > this.maxTokens ? ids.slice(0, this.maxTokens) : ids
  }

  /**
   * One example (weight·log loss), or a pair [harmful, benign]: both log losses plus the ranking
   * loss. classWeight[label] multiplies each log loss.
   */
  unit(
    exs: readonly ConvExample[],
    classWeight: readonly number[],
    pair: PairLoss | undefined,
  ): number {
    const C = channels(this.model)
    const scores = [0, 0]
    const dscore = [0, 0]
    let loss = 0
    exs.forEach((ex, j) => {
      const s = this.s[j]!
      fill(this.model, this.clip(ex.ids), this.rows, s)
      const z = forward(this.model, s)
      scores[j] = z
      const wt = ex.weight * classWeight[ex.label]!
      loss += wt * (softplus(z) - ex.label * z)
      dscore[j] = (sigmoid(z) - ex.label) * wt
    })
    if (exs.length === 2 && pair) {
      const r = pair.margin - (scores[0]! - scores[1]!)
      loss += pair.weight * softplus(r)
      const d = pair.weight * sigmoid(r)
      dscore[0] = dscore[0]! - d
      dscore[1] = dscore[1]! + d
    }
    exs.forEach((ex, j) => {
      const s = this.s[j]!
      backward(this.model, s, dscore[j]!, this.grads)
      const ids = this.clip(ex.ids)
      projectionGrad(
        ids,
        s.dx,
        this.model.width,
        C,
        this.model.projected,
        this.vectors,
        this.grads.P,
      )
    })
    return loss
  }
}

export function initConvModel(
  spec: ConvSpec,
  dim: number,
  random: () => number,
): { model: ConvModel; P: Float32Array } {
  const C = channels(spec)
  const F = spec.filters
  const w = spec.width
  const model: ConvModel = {
    ...spec,
    K: Float32Array.from({ length: F * w * C }, () => (random() * 2) / Math.sqrt(w * C)),
    b: new Float32Array(F),
    u: Float32Array.from({ length: F }, () => random() * 0.2),
    c: 0,
  }
  const P = Float32Array.from(
    { length: spec.projected * dim },
    () => (random() * 2) / Math.sqrt(dim),
  )
  // Drawn after P, so a model without attention starts exactly as before this layer existed.
  const layer = spec.attention > 0 ? initAttention(spec.attention, C, random) : undefined
  return { model: layer ? { ...model, layer } : model, P }
}

/**
 * Trains on the examples; `pairs` are [harmful, benign] index pairs into examples (twins of a
 * minimal pair, both in this training set), kept in one unit.
 */
export function trainConvModel(
  spec: ConvSpec,
  examples: readonly ConvExample[],
  opts: ConvOptions,
  vectors: TokenVectors,
  flags: Float32Array,
  pairs: readonly (readonly [number, number])[] = [],
): ConvTrained {
  const random = seeded(opts.seed)
  const { model, P } = initConvModel(spec, vectors.dim, random)
  const learner = new ConvLearner(model, P, vectors, flags, opts.maxTokens)
  const g = learner.grads
  const cArr = new Float32Array(1)
  const adam = [
    new Adam(model.K, g.K, opts.rate, opts.l2),
    new Adam(model.b, g.b, opts.rate, 0),
    new Adam(model.u, g.u, opts.rate, opts.l2),
    new Adam(P, g.P, opts.rate, opts.l2),
    new Adam(cArr, g.c, opts.rate, 0),
    ...(model.layer && g.layer
      ? [
          new Adam(model.layer.Wq, g.layer.Wq, opts.rate, opts.l2),
          new Adam(model.layer.Wk, g.layer.Wk, opts.rate, opts.l2),
          new Adam(model.layer.Wv, g.layer.Wv, opts.rate, opts.l2),
        ]
      : []),
  ]
  const positives = examples.filter((e) => e.label === 1).length
  const classWeight = [
    examples.length / (2 * Math.max(1, examples.length - positives)),
    examples.length / (2 * Math.max(1, positives)),
  ]
  const inPair = new Set(pairs.flat())
  const units: (readonly ConvExample[])[] = [
    ...examples.filter((e, i) => e.ids.length > 0 && !inPair.has(i)).map((e) => [e]),
    ...pairs
      .filter(([h, b]) => examples[h]!.ids.length > 0 && examples[b]!.ids.length > 0)
      .map(([h, b]) => [examples[h]!, examples[b]!]),
  ]
  // Units keep the examples' order (pairs last): the shuffle below is the one before pairs existed
  // when there are none.
  const order = units.map((_, i) => i)
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor((random() + 0.5) * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (let start = 0; start < order.length; start += opts.batch) {
      learner.clearRows()
      const end = Math.min(order.length, start + opts.batch)
      model.c = cArr[0]!
      for (let n = start; n < end; n++) learner.unit(units[order[n]!]!, classWeight, opts.pairLoss)
      for (const a of adam) a.step()
      // u >= 0 (projected gradient): every m_f >= 0 can only grow when text is appended, so with
      // non-negative output weights appended words can never lower the score (as with the rules).
      if (opts.monotone) for (let f = 0; f < spec.filters; f++) if (model.u[f]! < 0) model.u[f] = 0
    }
  }
  model.c = cArr[0]!
  return { model, P }
}
