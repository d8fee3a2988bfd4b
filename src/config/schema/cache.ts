/**
 * semantic_cache: upstream's fields plus this project's additions (marked "ours").
 *
 * `backend_type` names a cache backend plug-in and `semantic_cache.backend.<kind>` holds each
 * backend's own options. Both are checked when the config is loaded by the cache backend registry
 * (src/cache/registry.ts) with the schema that lives next to each backend, so a new backend adds no
 * key here. docs/semantic-cache.md documents every key.
 */
import { z } from 'zod'
import { nonNegativeInt, unitInterval } from './common.js'

const positiveInt = z.number().int().positive()

/** Ours: the false-hit guard run on every vector match before it is served. */
export const cacheVerificationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * `learned`: the trained paraphrase verifier (models/cache-verifier) with the precise checks as
   * vetoes; `rules`: the hand-written checks alone (the behaviour before the learned verifier).
   */
  method: z.enum(['learned', 'rules']).default('learned'),
  /** Learned verifier: accept at or above this probability (default: the model's own threshold). */
  min_confidence: unitInterval.optional(),
  /** Numbers (digits and number words) must be the same multiset. */
  numbers: z.boolean().default(true),
  /** Negation (not, never, n't, without, ...) must agree. */
  negation: z.boolean().default(true),
  /** Named entities, identifiers and quoted strings must match. */
  entities: z.boolean().default(true),
  /** Operators and directional words (+/-, encrypt/decrypt, to/from order, min/max) must agree. */
  operators: z.boolean().default(true),
  /** Key content words: a substitution of one substantive word for another is rejected. */
  content_words: z.boolean().default(true),
  /** Rules: one-sided content words tolerated besides generic ones (year, name, reason, ...). */
  max_extra_content_words: nonNegativeInt.default(0),
})

export const semanticCacheSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** A cache backend kind (checked at load by the registry); `""` means memory, as upstream. */
  backend_type: z.string().default('memory'),
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

  /** Ours: also cache multi-turn conversations (keyed by the whole history). */
  multi_turn: z.boolean().default(false),
  /** Ours: per-category TTL overriding ttl_seconds for entries stored under that category. */
  category_ttl_seconds: z.record(z.string(), nonNegativeInt).default({}),
  /** Ours: identical concurrent misses wait this long for the first answer (0 = no waiting). */
  coalesce_wait_ms: nonNegativeInt.default(10_000),
  /** Ours: a lookup slower than this is abandoned and the request goes upstream. */
  lookup_timeout_ms: positiveInt.default(150),
  /** Ours: a write slower than this is abandoned (the answer is already on its way). */
  write_timeout_ms: positiveInt.default(2_000),
  /** Ours: after this many consecutive backend failures the cache is skipped for a cool-down. */
  failure_threshold: positiveInt.default(3),
  cooldown_ms: positiveInt.default(5_000),
  /** Ours: responses larger than this are not stored. */
  max_response_bytes: positiveInt.default(1024 * 1024),
  /**
   * Ours: a question (the last user message) longer than this many characters is neither looked
   * up nor stored (0 = no cap): the cache keeps every question whole, so without a cap large
   * distinct prompts grow it by their full size until evicted.
   */
  max_query_chars: nonNegativeInt.default(32_768),
  verification: cacheVerificationSchema.prefault({}),
  /** Ours: each backend's own options by kind, checked at load with that backend's schema. */
  backend: z.record(z.string(), z.unknown()).default({}),
})

export type CacheVerificationOptions = z.infer<typeof cacheVerificationSchema>
