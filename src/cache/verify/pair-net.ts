/**
 * A small network that reads the two questions themselves, next to the trees (which read only the
 * pair features): one hidden ReLU layer over the standardised pair features plus u⊙v and |u−v| of
 * the two questions' centred mean word vectors (the background of pair-features' centred cosine
 * removed, then L2-normalised). Its logit is averaged with the forest's. Trained by
 * training/cache-verifier/pair-net.ts; about 4k multiply-adds per pair.
 */
import { forestScore, type Forest } from './forest.js'
import type { FeatureContext } from './pair-features.js'

/** As stored in verifier.json (`pair_net`). */
export interface PairNetFile {
  readonly hidden: number
  /** Inputs are standardised as (x − mean) / scale. */
  readonly mean: readonly number[]
  readonly scale: readonly number[]
  /** hidden × inputs, row by row. */
  readonly w1: readonly number[]
  readonly b1: readonly number[]
  readonly w2: readonly number[]
  readonly b2: number
}

export interface PairNet {
  readonly hidden: number
  readonly inputs: number
  readonly mean: Float32Array
  readonly scale: Float32Array
  readonly w1: Float32Array
  readonly b1: Float32Array
  readonly w2: Float32Array
  readonly b2: number
}

/** Inputs of the net for a pair with `features` features and `dim`-dimensional word vectors. */
export function pairNetInputs(features: number, dim: number): number {
  return features + 2 * dim
}

export function preparePairNet(file: PairNetFile): PairNet {
  const inputs = file.mean.length
  const ok =
    file.scale.length === inputs &&
    file.w1.length === file.hidden * inputs &&
    file.b1.length === file.hidden &&
    file.w2.length === file.hidden
  if (!ok) throw new Error('pair_net: weight shapes do not match its inputs and hidden size')
  return {
    hidden: file.hidden,
    inputs,
    mean: Float32Array.from(file.mean),
    scale: Float32Array.from(file.scale),
    w1: Float32Array.from(file.w1),
    b1: Float32Array.from(file.b1),
    w2: Float32Array.from(file.w2),
    b2: file.b2,
  }
}

/** A mean word vector without its background, L2-normalised. */
export function centredMeaning(
  meaning: Float32Array,
  { centre, component }: FeatureContext['background'],
): Float32Array {
  const v = new Float32Array(meaning.length)
  let along = 0
  for (let d = 0; d < v.length; d++) {
    v[d] = meaning[d]! - centre[d]!
    along += v[d]! * component[d]!
  }
  let sq = 0
  for (let d = 0; d < v.length; d++) {
    v[d] = v[d]! - along * component[d]!
    sq += v[d]! * v[d]!
  }
  const n = Math.sqrt(sq) || 1
  for (let d = 0; d < v.length; d++) v[d] = v[d]! / n
  return v
}

/** The raw (not yet standardised) input: features, then u⊙v, then |u−v|. */
export function pairNetInput(
  x: ArrayLike<number>,
  u: Float32Array,
  v: Float32Array,
  out = new Float32Array(pairNetInputs(x.length, u.length)),
): Float32Array {
  const f = x.length
  const dim = u.length
  for (let i = 0; i < f; i++) out[i] = x[i]!
  for (let d = 0; d < dim; d++) {
    out[f + d] = u[d]! * v[d]!
    out[f + dim + d] = Math.abs(u[d]! - v[d]!)
  }
  return out
}

/** Standardises a raw input in place. */
export function standardise(net: Pick<PairNet, 'mean' | 'scale'>, input: Float32Array): void {
  for (let d = 0; d < input.length; d++) input[d] = (input[d]! - net.mean[d]!) / net.scale[d]!
}

/** The net's logit for a standardised input; `hidden` receives the ReLU activations. */
export function pairNetLogit(
  net: Omit<PairNet, 'mean' | 'scale'>,
  input: Float32Array,
  hidden = new Float32Array(net.hidden),
): number {
  const n = net.inputs
  let z = net.b2
  for (let j = 0; j < net.hidden; j++) {
    let a = net.b1[j]!
    const row = j * n
    for (let d = 0; d < n; d++) a += net.w1[row + d]! * input[d]!
    hidden[j] = a > 0 ? a : 0
    z += net.w2[j]! * hidden[j]!
  }
  return z
}

/**
 * The verifier's logit for a pair no check rejected: the forest's, averaged with the net's when
 * the model has one. Training scores with this same function.
 */
export function verifierLogit(
  forest: Forest,
  net: PairNet | undefined,
  x: ArrayLike<number>,
  u: () => Float32Array,
  v: () => Float32Array,
): number {
  const trees = forestScore(forest, x)
  if (net === undefined) return trees
  const input = pairNetInput(x, u(), v())
  standardise(net, input)
  return (trees + pairNetLogit(net, input)) / 2
}
