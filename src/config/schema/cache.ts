/** semantic_cache (upstream fields plus the backends this project adds). */
import { z } from 'zod'
import { nonNegativeInt, unitInterval } from './common.js'

export const semanticCacheSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** `""` means memory, as upstream. */
  backend_type: z.enum(['', 'memory', 'milvus', 'hybrid', 'postgres']).default('memory'),
  similarity_threshold: unitInterval.optional(),
  max_entries: nonNegativeInt.default(0),
  ttl_seconds: nonNegativeInt.default(0),
  eviction_policy: z.enum(['', 'fifo', 'lru', 'lfu']).default('fifo'),
  backend_config_path: z.string().optional(),
  embedding_model: z.enum(['bert', 'qwen3', 'gemma']).default('bert'),
  use_hnsw: z.boolean().optional(),
  hnsw_m: z.number().int().positive().optional(),
  hnsw_ef_construction: z.number().int().positive().optional(),
  max_memory_entries: nonNegativeInt.optional(),
  /** Ours: backend-specific options; the cache module validates them against the chosen backend. */
  backend: z.record(z.string(), z.unknown()).optional(),
})
