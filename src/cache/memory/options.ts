/**
 * The memory backend's own options, validated when a config is loaded (the cache backend registry
 * checks `semantic_cache.backend.memory` with this schema). docs/semantic-cache.md documents them.
 */
import { z } from 'zod'
import { nonNegativeInt } from '../../config/schema/common.js'

const positiveInt = z.number().int().positive()

/** `semantic_cache.backend.memory` (ours): also the front index of hybrid. */
export const memoryBackendSchema = z.strictObject({
  /** A partition (model + context) with fewer entries is searched exactly; above it, HNSW. */
  exact_search_below: nonNegativeInt.default(2_000),
  /** HNSW graph degree; falls back to upstream's top-level `hnsw_m`, then 16. */
  hnsw_m: positiveInt.optional(),
  /** Falls back to upstream's `hnsw_ef_construction`, then 200. */
  ef_construction: positiveInt.optional(),
  /** Candidate list size at query time (higher = better recall, slower). */
  ef_search: positiveInt.default(64),
})

export type MemoryBackendOptions = z.infer<typeof memoryBackendSchema>
