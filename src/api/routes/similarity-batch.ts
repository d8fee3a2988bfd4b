/**
 * POST /api/v1/similarity/batch — rank candidates by cosine similarity to a query.
 * `{"query","candidates":[...],"top_k"?}` → `{"matches":[{"index","similarity","text"}],
 * "total_candidates","model_used","processing_time_ms"}`, best first.
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { elapsedMs } from '../guard-results.js'
import { SIMILARITY_BATCH_REQUEST, SIMILARITY_BATCH_RESULT } from '../schemas/embeddings.js'
import type { ApiRoute } from '../types.js'
import { cosine, embedderFor, requestedDimension, truncate } from './embeddings-common.js'

export const similarityBatchRoute: ApiRoute<z.output<typeof SIMILARITY_BATCH_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/similarity/batch',
  summary: 'Rank candidate texts by similarity to a query',
  schema: { request: SIMILARITY_BATCH_REQUEST, response: SIMILARITY_BATCH_RESULT },
  handle: async (req, ctx) => {
    const started = performance.now()
    const { query, candidates } = req.body
    const topK = req.body.top_k ?? candidates.length
    const embedder = await embedderFor(requireRuntime(ctx), req.body.model)
    const dimension = requestedDimension(req.body.dimension, embedder)
    const [q, ...vectors] = await embedder.embed([query, ...candidates], req.signal)
    const qv = truncate(q!, dimension)
    const matches = vectors
      .map((v, index) => ({
        index,
        similarity: cosine(qv, truncate(v, dimension)),
        text: candidates[index]!,
      }))
      .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
      .slice(0, topK)
    return {
      body: {
        matches,
        total_candidates: candidates.length,
        model_used: embedder.model,
        processing_time_ms: elapsedMs(started),
      },
    }
  },
}
