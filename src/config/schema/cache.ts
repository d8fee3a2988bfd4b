/**
 * semantic_cache: upstream's fields plus this project's additions (marked "ours").
 *
 * Backend-specific options live under `semantic_cache.backend.<backend>` so each backend's options
 * are validated with YAML paths at load time; docs/semantic-cache.md documents every key.
 */
import { z } from 'zod'
import { nonNegativeInt, unitInterval } from './common.js'

const positiveInt = z.number().int().positive()

/** Ours: in-process index options (backend_type memory, and the front index of hybrid). */
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

/** Ours: PostgreSQL + pgvector store (backend_type postgres, and the store behind hybrid). */
export const postgresBackendSchema = z.strictObject({
  /** `postgres://user:pass@host:5432/db`. Omit it (and set data_dir) for the embedded mode. */
  connection_string: z.string().min(1).optional(),
  /** Environment variable holding the connection string (keeps passwords out of the file). */
  connection_string_env: z.string().min(1).optional(),
  /** Embedded mode: PGlite (Postgres in WASM) persisting to this directory; `memory://` for none. */
  data_dir: z.string().min(1).optional(),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('semantic_cache'),
  pool_size: positiveInt.default(4),
  /** Create the extension, table and indexes when missing. */
  create_schema: z.boolean().default(true),
  hnsw_m: positiveInt.default(16),
  ef_construction: positiveInt.default(64),
  ef_search: positiveInt.default(64),
  /** Postgres-side statement timeout (the router-side bypass timeouts apply as well). */
  statement_timeout_ms: positiveInt.default(2_000),
})

/** Ours: hybrid = memory index in front of the postgres store. */
export const hybridBackendSchema = z.strictObject({
  /** Poll the store for rows written by other replicas this often (0 = never). */
  sync_interval_ms: nonNegativeInt.default(5_000),
})

export const cacheBackendOptionsSchema = z.strictObject({
  memory: memoryBackendSchema.prefault({}),
  postgres: postgresBackendSchema.optional(),
  hybrid: hybridBackendSchema.prefault({}),
})

/** Ours: the false-hit guard run on every vector match before it is served. */
export const cacheVerificationSchema = z.strictObject({
  enabled: z.boolean().default(true),
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
  /** One-sided content words tolerated besides generic ones (year, name, reason, ...). */
  max_extra_content_words: nonNegativeInt.default(0),
})

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
  verification: cacheVerificationSchema.prefault({}),
  /** Ours: backend-specific options. */
  backend: cacheBackendOptionsSchema.prefault({}),
})

export type MemoryBackendOptions = z.infer<typeof memoryBackendSchema>
export type PostgresBackendOptions = z.infer<typeof postgresBackendSchema>
export type HybridBackendOptions = z.infer<typeof hybridBackendSchema>
export type CacheVerificationOptions = z.infer<typeof cacheVerificationSchema>
