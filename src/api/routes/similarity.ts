/**
 * POST /api/v1/similarity — cosine similarity of two texts with the router's embedder.
 * `{"text1","text2","model"?,"dimension"?}` → `{"model_used","similarity","processing_time_ms"}`.
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { elapsedMs } from '../guard-results.js'
import { SIMILARITY_REQUEST, SIMILARITY_RESULT } from '../schemas/embeddings.js'
import type { ApiRoute } from '../types.js'
import { cosine, embedderFor, requestedDimension, truncate } from './embeddings-common.js'

export const similarityRoute: ApiRoute<z.output<typeof SIMILARITY_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/similarity',
  summary: 'Cosine similarity of two texts',
  schema: { request: SIMILARITY_REQUEST, response: SIMILARITY_RESULT },
  handle: async (req, ctx) => {
    const started = performance.now()
    const { text1, text2 } = req.body
    const embedder = await embedderFor(requireRuntime(ctx), req.body.model)
    const dimension = requestedDimension(req.body.dimension, embedder)
    const [a, b] = await embedder.embed([text1, text2], req.signal)
    return {
      body: {
        model_used: embedder.model,
        similarity: cosine(truncate(a!, dimension), truncate(b!, dimension)),
        processing_time_ms: elapsedMs(started),
      },
    }
  },
}
