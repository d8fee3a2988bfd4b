/**
 * Shared pieces of the embedded jailbreak classifier (window-mlp.ts has the model): a prompt is
 * scored by its best window (several sizes, ending at every position), P(jailbreak) = σ(best window score + bias), and
 * trained as multiple-instance logistic regression (the gradient flows into the best window only):
 * a prompt is an attack when some part of it is.
 *
 * Taking the best window means appending benign words to an attack cannot dilute it the way a
 * mean over the whole text does (upstream issues #3164/#3174).
 */
export interface WindowSpec {
  readonly vocabSize: number
  readonly buckets: number
  /**
   * Window sizes: at every position, a window of each size ends there (shorter at the start). Short
   * windows isolate a request that follows other text; long ones see the framing around it.
   */
  readonly windows: readonly number[]
}

export interface WindowExample {
  readonly ids: readonly number[]
  readonly label: 0 | 1
  readonly weight: number
}

/** Word vectors by token id (the word-vector model's table, dequantised). */
export interface TokenVectors {
  readonly dim: number
  vector(id: number): Float32Array
}

export interface TrainOptions {
  readonly epochs: number
  readonly learningRate: number
  readonly l2: number
  readonly seed: number
  /** Learning rate and L2 of the meaning part (projection and MLP). */
  readonly vectorRate: number
  readonly l2Vectors: number
}

/** Hashed bucket of the token pair (a, b); the graph computes the same in int64. */
export function bucketOf(a: number, b: number, spec: WindowSpec): number {
  return (a * spec.vocabSize + b) % spec.buckets
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/** Deterministic small random numbers (LCG) in [-0.5, 0.5), for initial weights and shuffles. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 4294967296 - 0.5
  }
}
