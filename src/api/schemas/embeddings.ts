/** Bodies of the embedding endpoints (/api/v1/embeddings, /similarity, /similarity/batch). */
import { z } from 'zod'
import { anyText, MAX_TEXTS, ms, text } from './common.js'

const model = z
  .string()
  .nullish()
  .meta({ description: '"auto" (default) or the configured embedding model; others are refused' })

const dimension = z.int().min(1).nullish().meta({
  description: 'Truncate (and re-normalise) to this many dimensions (at most the model size)',
})

const texts = z.array(anyText).min(1).max(MAX_TEXTS)

export const EMBEDDINGS_REQUEST = z.object({
  texts,
  model,
  dimension,
  quality_priority: z.number().nullish().meta({ description: 'Accepted for compatibility' }),
  latency_priority: z.number().nullish().meta({ description: 'Accepted for compatibility' }),
  sequence_length: z.int().nullish().meta({
    description: 'Accepted for compatibility (long texts are truncated to the model maximum)',
  }),
  options: z.record(z.string(), z.unknown()).nullish(),
})

export const EMBEDDINGS_RESULT = z.object({
  embeddings: z.array(
    z.object({
      text: z.string(),
      embedding: z.array(z.number()).meta({ description: 'L2-normalised' }),
      dimension: z.int(),
      model_used: z.string(),
      processing_time_ms: ms,
    }),
  ),
  total_count: z.int(),
  total_processing_time_ms: ms,
  avg_processing_time_ms: ms,
})

export const SIMILARITY_REQUEST = z.object({ text1: text, text2: text, model, dimension })

export const SIMILARITY_RESULT = z.object({
  model_used: z.string(),
  similarity: z.number().min(-1).max(1).meta({ description: 'Cosine similarity' }),
  processing_time_ms: ms,
})

export const SIMILARITY_BATCH_REQUEST = z.object({
  query: text,
  candidates: texts,
  top_k: z
    .int()
    .min(1)
    .nullish()
    .meta({ description: 'Return the best k (default: all, best first)' }),
  model,
  dimension,
})

export const SIMILARITY_BATCH_RESULT = z.object({
  matches: z.array(z.object({ index: z.int(), similarity: z.number(), text: z.string() })),
  total_candidates: z.int(),
  model_used: z.string(),
  processing_time_ms: ms,
})

export const EMBEDDING_MODELS_RESULT = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      model_path: z.string(),
      dimension: z.int(),
      max_sequence_length: z.int(),
      loaded: z.boolean(),
      load_time_ms: z.number(),
      memory_bytes: z.int(),
      source: z.enum(['embedded', 'configured']),
    }),
  ),
  count: z.int(),
})
