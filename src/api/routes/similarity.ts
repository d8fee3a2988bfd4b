/**
 * POST /api/v1/similarity — cosine similarity of two texts with the router's embedder.
 * `{"text1","text2","model"?,"dimension"?}` → `{"model_used","similarity","processing_time_ms"}`.
 */
import { requireObject, requireRuntime, requireText } from '../errors.js'
import { checkLength, elapsedMs } from '../guard-results.js'
import type { ApiRoute } from '../types.js'
import {
  SIMILARITY_REQUEST,
  SIMILARITY_RESPONSE,
  cosine,
  embedderFor,
  requestedDimension,
  truncate,
} from './embeddings-common.js'

export const similarityRoute: ApiRoute = {
  method: 'POST',
  path: '/api/v1/similarity',
  summary: 'Cosine similarity of two texts',
  schema: { request: SIMILARITY_REQUEST, response: SIMILARITY_RESPONSE },
  handle: async (req, ctx) => {
    const started = performance.now()
    const body = requireObject(req.body)
    const text1 = requireText(body, 'text1')
    const text2 = requireText(body, 'text2')
    checkLength(text1, 'text1')
    checkLength(text2, 'text2')
    const embedder = await embedderFor(requireRuntime(ctx), body)
    const dimension = requestedDimension(body, embedder)
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
