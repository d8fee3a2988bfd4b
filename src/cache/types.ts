/**
 * The semantic cache contract: a backend stores (partition, query, embedding, response) rows and
 * answers nearest-neighbour searches inside one partition. Everything above the backend (embedding,
 * the false-hit guard, coalescing, bypass on failure, metrics) lives in SemanticCache, so a backend
 * only has to be a correct, bounded vector store.
 *
 * A miss is a value (an empty candidate list), never an exception. Exceptions mean the backend is
 * broken or unreachable; the caller then bypasses the cache.
 */
import type { ConfigReport, PluginShape } from '../config/plugin.js'
import type { SemanticCacheConfig } from '../config/schema/index.js'
import type { Logger } from '../log.js'

export type EvictionPolicyName = 'fifo' | 'lru' | 'lfu'
export type EvictionReason = 'capacity' | 'ttl' | 'flush'

/** Which rows may answer a request: same target model and same answer-shaping context. */
export interface PartitionKey {
  /** The model that produced (and would produce) the answer. */
  readonly model: string
  /** Hash of everything besides the last user turn that shapes the answer ('' = none). */
  readonly context: string
}

export interface NewEntry extends PartitionKey {
  /** The text that was embedded (the last user message). */
  readonly query: string
  /** L2-normalised. */
  readonly embedding: Float32Array
  /** A chat.completion JSON document. */
  readonly response: string
  /** 0 = never expires. Each entry keeps its own expiry. */
  readonly ttlSeconds: number
}

export interface StoredEntry extends PartitionKey {
  readonly id: string
  readonly query: string
  readonly response: string
  /** Unix milliseconds. */
  readonly createdAt: number
  /** Unix milliseconds, or null for no expiry. */
  readonly expiresAt: number | null
  readonly hitCount: number
}

export interface SearchRequest extends PartitionKey {
  readonly embedding: Float32Array
  /** Candidates below this cosine similarity are not returned. */
  readonly threshold: number
  /** Most candidates to return, best first. */
  readonly limit: number
}

export interface Candidate {
  readonly entry: StoredEntry
  /** Cosine similarity in [-1, 1]. */
  readonly similarity: number
}

export interface BackendCapabilities {
  /** Several router replicas see the same entries. */
  readonly shared: boolean
  /** Entries survive a restart of the router. */
  readonly persistent: boolean
  /** Approximate nearest-neighbour index (vs. exact scan only). */
  readonly approximate: boolean
  readonly evictionPolicies: readonly EvictionPolicyName[]
}

export interface BackendStats {
  readonly entries: number
  /** Approximate resident bytes used by this process for the cache (0 when remote). */
  readonly memoryBytes: number
  readonly details?: Readonly<Record<string, unknown>>
}

export interface CacheBackend {
  /** Metric label (`memory`, `postgres`, `hybrid`). */
  readonly name: string
  readonly capabilities: BackendCapabilities
  /** Best candidates with similarity ≥ threshold, best first; [] is a miss. */
  search(request: SearchRequest): Promise<Candidate[]>
  /** Store an entry (evicting as the policy says when full); returns its id. */
  insert(entry: NewEntry): Promise<string>
  /** Record that an entry answered a request (LRU/LFU bookkeeping, hit counts). */
  touch(id: string): Promise<void>
  /** Remove entries (all, or one model's); returns how many were removed. */
  clear(model?: string): Promise<number>
  stats(): Promise<BackendStats>
  close(): Promise<void>
}

/** What every backend gets besides its own options: the resolved upstream fields and services. */
export interface BackendBuildOptions {
  readonly dimension: number
  /** 0 = unbounded. */
  readonly maxEntries: number
  readonly evictionPolicy: EvictionPolicyName
  /** Use an ANN index at all (upstream `use_hnsw`; default true). */
  readonly useHnsw: boolean
  /** Upstream `hnsw_m` / `hnsw_ef_construction`: defaults for a backend's own HNSW settings. */
  readonly hnswM?: number | undefined
  readonly hnswEfConstruction?: number | undefined
  /**
   * `semantic_cache.backend` as written: every backend's own options by kind. A backend gets its
   * own section parsed; one that builds on another (hybrid: memory index + postgres store) reads
   * that one's section with that backend's schema (`sectionOptions`, src/cache/sections.ts).
   */
  readonly sections: Readonly<Record<string, unknown>>
  /** Upstream `max_memory_entries` (hybrid front index bound). */
  readonly maxMemoryEntries: number
  /** Upstream `backend_config_path` (milvus). */
  readonly backendConfigPath: string | undefined
  /** Directory relative paths are resolved against. */
  readonly baseDir: string
  readonly log: Logger
  /** Clock in Unix milliseconds (tests inject one to expire entries without sleeping). */
  readonly now: () => number
  /** Called whenever entries leave the cache for a reason other than an explicit clear. */
  readonly onEvict: (reason: EvictionReason, count: number) => void
}

/**
 * A cache backend plug-in: the shared shape (kind = `semantic_cache.backend_type`, description,
 * `optionsSchema` for `semantic_cache.backend.<kind>`) plus what the backend can do and how to
 * build it. Registered in src/cache/registry.ts; checked when a config is loaded.
 */
export interface CacheBackendPlugin<O = unknown> extends PluginShape<O> {
  readonly capabilities: BackendCapabilities
  create(build: BackendBuildOptions, options: O): Promise<CacheBackend>
  /**
   * Load-time rules beyond the options schema (e.g. a required connection), run when this backend
   * is the configured `backend_type`. `options`: this backend's own, already valid.
   */
  check?(cache: SemanticCacheConfig, options: O, report: ConfigReport): void
}
