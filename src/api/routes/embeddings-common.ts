/**
 * Shared parts of the embedding endpoints: request validation (upstream's fields), the router's
 * embedder, Matryoshka-style dimension truncation, and the JSON Schemas for /openapi.json.
 */
import { RouterError } from '../../errors.js'
import type { Embedder } from '../../embeddings/types.js'
import { l2Normalise } from '../../ml/postprocess.js'
import type { Runtime } from '../../pipeline/runtime.js'
import { checkLength } from '../guard-results.js'
import type { JsonSchema } from '../types.js'

/** Most texts per embeddings / similarity-batch request (bounded work per call). */
export const MAX_TEXTS = 256

/** `model` values that mean "the configured sentence embedder" (upstream: auto picks one). */
const ACCEPTED_MODELS = new Set(['', 'auto', 'bert', 'default'])

export interface EmbedRequestOptions {
  readonly dimension: number | undefined
}

export async function embedderFor(
  runtime: Runtime,
  body: Record<string, unknown>,
): Promise<Embedder> {
  const embedder = await runtime.services.embedder()
  const model = body['model']
  if (model !== undefined && model !== null) {
    if (typeof model !== 'string')
      throw new RouterError('invalid_request', 'model must be a string', { param: 'model' })
    if (!ACCEPTED_MODELS.has(model) && model !== embedder.model) {
      throw new RouterError(
        'invalid_request',
        `model "${model}" is not available; this router embeds with ${embedder.model} (use "auto")`,
        { param: 'model' },
      )
    }
  }
  return embedder
}

export function requestedDimension(body: Record<string, unknown>, embedder: Embedder): number {
  const value = body['dimension']
  if (value === undefined || value === null) return embedder.dimension
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > embedder.dimension
  ) {
    throw new RouterError(
      'invalid_request',
      `dimension must be an integer from 1 to ${embedder.dimension} (the model's size)`,
      { param: 'dimension' },
    )
  }
  return value
}

/** Keep the first `dimension` components and re-normalise (Matryoshka-style truncation). */
export function truncate(vector: Float32Array, dimension: number): Float32Array {
  return dimension >= vector.length ? vector : l2Normalise(vector.slice(0, dimension))
}

export function requireTexts(body: Record<string, unknown>, field: string): string[] {
  const value = body[field]
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TEXTS) {
    throw new RouterError(
      'invalid_request',
      `${field} must be an array of 1 to ${MAX_TEXTS} strings`,
      { param: field },
    )
  }
  value.forEach((t, i) => {
    if (typeof t !== 'string')
      throw new RouterError('invalid_request', `${field}[${i}] must be a string`, { param: field })
    checkLength(t, `${field}[${i}]`)
  })
  return value as string[]
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < Math.min(a.length, b.length); i++) sum += a[i]! * b[i]!
  return Math.round(sum * 1e6) / 1e6
}

const ms = { type: 'number', description: 'Milliseconds spent' }
const modelField = {
  type: 'string',
  description: '"auto" (default) or the configured embedding model; others are refused',
}
const dimensionField = {
  type: 'integer',
  minimum: 1,
  description: 'Truncate (and re-normalise) to this many dimensions; default the model size',
}

export const EMBEDDINGS_REQUEST: JsonSchema = {
  type: 'object',
  required: ['texts'],
  properties: {
    texts: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_TEXTS },
    model: modelField,
    dimension: dimensionField,
    quality_priority: { type: 'number', description: 'Accepted for compatibility' },
    latency_priority: { type: 'number', description: 'Accepted for compatibility' },
    sequence_length: {
      type: 'integer',
      description: 'Accepted for compatibility (long texts are truncated to the model maximum)',
    },
  },
}

export const EMBEDDINGS_RESPONSE: JsonSchema = {
  type: 'object',
  required: ['embeddings', 'total_count', 'total_processing_time_ms', 'avg_processing_time_ms'],
  properties: {
    embeddings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['text', 'embedding', 'dimension', 'model_used', 'processing_time_ms'],
        properties: {
          text: { type: 'string' },
          embedding: { type: 'array', items: { type: 'number' }, description: 'L2-normalised' },
          dimension: { type: 'integer' },
          model_used: { type: 'string' },
          processing_time_ms: ms,
        },
      },
    },
    total_count: { type: 'integer' },
    total_processing_time_ms: ms,
    avg_processing_time_ms: ms,
  },
}

export const SIMILARITY_REQUEST: JsonSchema = {
  type: 'object',
  required: ['text1', 'text2'],
  properties: {
    text1: { type: 'string', minLength: 1 },
    text2: { type: 'string', minLength: 1 },
    model: modelField,
    dimension: dimensionField,
  },
}

export const SIMILARITY_RESPONSE: JsonSchema = {
  type: 'object',
  required: ['model_used', 'similarity', 'processing_time_ms'],
  properties: {
    model_used: { type: 'string' },
    similarity: { type: 'number', minimum: -1, maximum: 1, description: 'Cosine similarity' },
    processing_time_ms: ms,
  },
}

export const SIMILARITY_BATCH_REQUEST: JsonSchema = {
  type: 'object',
  required: ['query', 'candidates'],
  properties: {
    query: { type: 'string', minLength: 1 },
    candidates: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: MAX_TEXTS },
    top_k: {
      type: 'integer',
      minimum: 1,
      description: 'Return the best k (default: all, best first)',
    },
    model: modelField,
    dimension: dimensionField,
  },
}

export const SIMILARITY_BATCH_RESPONSE: JsonSchema = {
  type: 'object',
  required: ['matches', 'total_candidates', 'model_used', 'processing_time_ms'],
  properties: {
    matches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'similarity', 'text'],
        properties: {
          index: { type: 'integer' },
          similarity: { type: 'number' },
          text: { type: 'string' },
        },
      },
    },
    total_candidates: { type: 'integer' },
    model_used: { type: 'string' },
    processing_time_ms: ms,
  },
}

export const EMBEDDING_MODELS_RESPONSE: JsonSchema = {
  type: 'object',
  required: ['models', 'count'],
  properties: {
    models: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type', 'dimension', 'loaded'],
        properties: {
          name: { type: 'string' },
          type: { type: 'string' },
          model_path: { type: 'string' },
          dimension: { type: 'integer' },
          max_sequence_length: { type: 'integer' },
          loaded: { type: 'boolean' },
          load_time_ms: { type: 'number' },
          memory_bytes: { type: 'integer' },
          source: { type: 'string', description: 'embedded | configured' },
        },
      },
    },
    count: { type: 'integer' },
  },
}
