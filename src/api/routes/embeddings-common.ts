/**
 * Shared parts of the embedding endpoints: the router's embedder, the dimension a request may ask
 * for (bounded by the model), Matryoshka-style truncation and cosine similarity. Request and
 * response bodies are in ../schemas/embeddings.ts.
 */
import { RouterError } from '../../errors.js'
import type { Embedder } from '../../embeddings/types.js'
import { l2Normalise } from '../../ml/postprocess.js'
import type { Runtime } from '../../pipeline/runtime.js'

/** `model` values that mean "the configured sentence embedder" (upstream: auto picks one). */
const ACCEPTED_MODELS = new Set(['', 'auto', 'bert', 'default'])

/** The embedder; a `model` other than "auto" or its own name is refused. */
export async function embedderFor(
  runtime: Runtime,
  model: string | null | undefined,
): Promise<Embedder> {
  const embedder = await runtime.services.embedder()
  if (
    model !== undefined &&
    model !== null &&
    !ACCEPTED_MODELS.has(model) &&
    model !== embedder.model
  )
    throw new RouterError(
      'invalid_request',
      `model "${model}" is not available; this router embeds with ${embedder.model} (use "auto")`,
      { param: 'model' },
    )
  return embedder
}

/** The dimension asked for (the schema checked it is a positive integer), at most the model's. */
export function requestedDimension(
  dimension: number | null | undefined,
  embedder: Embedder,
): number {
  if (dimension === undefined || dimension === null) return embedder.dimension
  if (dimension > embedder.dimension)
    throw new RouterError(
      'invalid_request',
      `dimension must be an integer from 1 to ${embedder.dimension} (the model's size)`,
      { param: 'dimension' },
    )
  return dimension
}

/** Keep the first `dimension` components and re-normalise (Matryoshka-style truncation). */
export function truncate(vector: Float32Array, dimension: number): Float32Array {
  return dimension >= vector.length ? vector : l2Normalise(vector.slice(0, dimension))
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) sum += a[i]! * b[i]!
  return Math.round(sum * 1e6) / 1e6
}
