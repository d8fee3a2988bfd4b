/**
 * POST /api/v1/similarity/batch — rank candidates by cosine similarity to a query.
 * `{"query","candidates":[...],"top_k"?}` → `{"matches":[{"index","similarity","text"}],
 * "total_candidates","model_used","processing_time_ms"}`, best first.
 */
import { RouterError } from '../../errors.js'
import { requireObject, requireRuntime, requireText } from '../errors.js'
import { checkLength, elapsedMs } from '../guard-results.js'
import type { ApiRoute } from '../types.js'
import {
  SIMILARITY_BATCH_REQUEST,
  SIMILARITY_BATCH_RESPONSE,
  cosine,
  embedderFor,
  requestedDimension,
  requireTexts,
  truncate,
} from './embeddings-common.js'

export const similarityBatchRoute: ApiRoute = {
  method: 'POST',
  path: '/api/v1/similarity/batch',
  summary: 'Rank candidate texts by similarity to a query',
  schema: { request: SIMILARITY_BATCH_REQUEST, response: SIMILARITY_BATCH_RESPONSE },
  handle: async (req, ctx) => {
    const started = performance.now()
    const body = requireObject(req.body)
    const query = requireText(body, 'query')
    checkLength(query, 'query')
    const candidates = requireTexts(body, 'candidates')
    const topK = body['top_k'] ?? candidates.length
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
      throw new RouterError('invalid_request', 'top_k must be a positive integer', {
        param: 'top_k',
      })
    }
    const embedder = await embedderFor(requireRuntime(ctx), body)
    const dimension = requestedDimension(body, embedder)
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
