/**
 * The hybrid backend's own options, validated when a config is loaded. Its front index takes
 * `semantic_cache.backend.memory` and its store `semantic_cache.backend.postgres`, each checked by
 * its own backend's schema.
 */
import { z } from 'zod'
import { nonNegativeInt } from '../../config/schema/common.js'

/** `semantic_cache.backend.hybrid` (ours). */
export const hybridBackendSchema = z.strictObject({
  /** Poll the store for rows written by other replicas this often (0 = never). */
  sync_interval_ms: nonNegativeInt.default(5_000),
})

export type HybridBackendOptions = z.infer<typeof hybridBackendSchema>
