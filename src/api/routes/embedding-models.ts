/**
 * GET /api/v1/embeddings/models — the embedding model this router serves, with its real load time
 * and memory. `{"models":[...],"count"}`.
 */
import { requireRuntime } from '../errors.js'
import type { ModelInfo } from '../../ml/model.js'
import type { ApiRoute } from '../types.js'
import { EMBEDDING_MODELS_RESULT } from '../schemas/embeddings.js'

export const embeddingModelsRoute: ApiRoute = {
  method: 'GET',
  path: '/api/v1/embeddings/models',
  summary: 'The sentence-embedding model in use (dimension, load time, memory)',
  schema: { response: EMBEDDING_MODELS_RESULT },
  handle: async (_req, ctx) => {
    const runtime = requireRuntime(ctx)
    const embedder = await runtime.services.embedder()
    const info = (embedder as { info?: ModelInfo }).info
    const models = [
      {
        name: embedder.model,
        type: 'sentence_embedding',
        model_path: info?.dir ?? '',
        dimension: embedder.dimension,
        max_sequence_length: info?.maxLength ?? 0,
        loaded: true,
        load_time_ms: Math.round((info?.loadMs ?? 0) * 10) / 10,
        memory_bytes: (info?.fileBytes ?? 0) + (info?.rssDeltaBytes ?? 0),
        source: embedder.model.startsWith('embedded/') ? 'embedded' : 'configured',
      },
    ]
    return { body: { models, count: models.length } }
  },
}
