/** Sentence embeddings: used by the semantic cache, embedding_rules, tools and the similarity API. */

export interface Embedder {
  readonly kind: string
  /** Model identifier reported by the API (`model_used`). */
  readonly model: string
  readonly dimension: number
  /** L2-normalised vectors, one per input, in order. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>
  close?(): Promise<void>
}

/** Dot product (over the shorter length); for two L2-normalised vectors, their cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!
  return sum
}
