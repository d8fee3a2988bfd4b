/**
 * POST /api/v1/embeddings — sentence embeddings from the router's embedder (bert_model, or the
 * embedded lexical model). Upstream's shape: `{"texts", "model"?, "dimension"?, ...}` →
 * `{"embeddings":[{"text","embedding","dimension","model_used","processing_time_ms"}],
 * "total_count","total_processing_time_ms","avg_processing_time_ms"}`. All texts go to the model
 * in one batched call.
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { elapsedMs } from '../guard-results.js'
import { EMBEDDINGS_REQUEST, EMBEDDINGS_RESULT } from '../schemas/embeddings.js'
import type { ApiRoute } from '../types.js'
import { embedderFor, requestedDimension, truncate } from './embeddings-common.js'

export const embeddingsRoute: ApiRoute<z.output<typeof EMBEDDINGS_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/embeddings',
  summary: 'Sentence embeddings (L2-normalised) from the configured embedding model',
  schema: { request: EMBEDDINGS_REQUEST, response: EMBEDDINGS_RESULT },
  handle: async (req, ctx) => {
    const started = performance.now()
    const texts = req.body.texts
    const embedder = await embedderFor(requireRuntime(ctx), req.body.model)
    const dimension = requestedDimension(req.body.dimension, embedder)
    const vectors = await embedder.embed(texts, req.signal)
    const total = elapsedMs(started)
    const each = Math.round((total / texts.length) * 1000) / 1000
    return {
      body: {
        embeddings: texts.map((text, i) => ({
          text,
          embedding: Array.from(truncate(vectors[i]!, dimension)),
          dimension,
          model_used: embedder.model,
          processing_time_ms: each,
        })),
        total_count: texts.length,
        total_processing_time_ms: total,
        avg_processing_time_ms: each,
      },
    }
  },
}
