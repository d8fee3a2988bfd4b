/**
 * Build the SemanticCache a config describes, sharing it across hot reloads: a reload that leaves the
 * storage settings alone keeps the same store (an in-memory cache survives a threshold change) and
 * its coalescer (a request that started on the old runtime still leads its key), and the store is
 * closed when the last runtime using it closes. The stores live in the router's state owner
 * (src/runtime/state.ts), passed in as `stores`.
 *
 * A cache that cannot be opened (unavailable backend, no embedder) is not fatal: the router serves
 * without a cache, with a log line and llm_cache_backend_up{backend} = 0.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { isRouterError } from '../errors.js'
import { logEvent, type Logger } from '../log.js'
import { Coalescer } from './coalescer.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { Embedder } from '../embeddings/types.js'
import type { PluginRegistry } from '../config/plugin.js'
import { backendKind, type AnyCacheBackendPlugin } from './registry.js'
import { SemanticCache } from './semantic-cache.js'
import type { BackendBuildOptions } from './types.js'
import { EMBEDDED_MODELS } from '../ml/embedded.js'
import { sharedVerifierModel, type LearnedVerifierModel } from './verify/learned-model.js'

export interface CacheHandle {
  readonly cache: SemanticCache
  readonly coalescer: Coalescer
  readonly embedder: Embedder
  /** The learned verifier (undefined: verification off, method `rules`, or it failed to load). */
  readonly verifierModel?: LearnedVerifierModel
  release(): Promise<void>
}

/** One open store, shared by every runtime whose storage settings match. */
export interface CacheStore {
  readonly cache: SemanticCache
  readonly coalescer: Coalescer
  refs: number
}

export interface CacheDeps {
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly baseDir: string
  embedder(): Promise<Embedder>
  /** Open stores by storage settings (the router's state owner keeps them across reloads). */
  readonly stores: Map<string, CacheStore>
  /** The cache backend kinds this router knows (src/cache/registry.ts, or more from an app). */
  readonly backends: PluginRegistry<AnyCacheBackendPlugin>
}

export async function openSemanticCache(
  config: RouterConfig,
  services: CacheDeps,
  now: () => number = Date.now,
): Promise<CacheHandle | null> {
  const sc = config.semantic_cache
  if (!sc.enabled) return null
  const backendName = backendKind(sc.backend_type)
  const { log, metrics } = services
  let embedder: Embedder
  try {
    embedder = await services.embedder()
  } catch (err) {
    metrics.cacheBackendUp.set({ backend: backendName }, 0)
    logEvent(
      log,
      'cache_disabled',
      { backend: backendName, reason: 'no_embedder', error: String(err) },
      'error',
    )
    return null
  }
  if (sc.embedding_model !== 'bert')
    log.warn(
      { event: 'cache_embedding_model', requested: sc.embedding_model, used: embedder.model },
      'cache_embedding_model',
    )

  const key = JSON.stringify([
    sc.backend_type,
    sc.max_entries,
    sc.eviction_policy,
    sc.use_hnsw,
    sc.hnsw_m,
    sc.hnsw_ef_construction,
    sc.max_memory_entries,
    sc.backend_config_path,
    sc.backend,
    embedder.model,
    embedder.dimension,
    services.baseDir,
  ])
  const byKey = services.stores
  let holder = byKey.get(key)
  if (holder === undefined) {
    const cache = await createCache(config, services, embedder.dimension, now)
    if (cache === null) return null
    holder = { cache, coalescer: new Coalescer(), refs: 0 }
    byKey.set(key, holder)
  }
  holder.refs++
  const held = holder
  let released = false
  const verifierModel = learnedVerifier(config, log, metrics)
  return {
    cache: held.cache,
    coalescer: held.coalescer,
    embedder,
    ...(verifierModel ? { verifierModel } : {}),
    async release() {
      if (released) return
      released = true
      if (--held.refs > 0) return
      if (byKey.get(key) === held) byKey.delete(key)
      await held.cache.close()
    },
  }
}

async function createCache(
  config: RouterConfig,
  services: CacheDeps,
  dimension: number,
  now: () => number,
): Promise<SemanticCache | null> {
  const sc = config.semantic_cache
  const kind = backendKind(sc.backend_type)
  // Checked when the config was loaded; a tool that skipped the plug-in checks fails here.
  const { plugin, options: own } = services.backends.require(kind, sc.backend[kind], {
    kind: ['semantic_cache', 'backend_type'],
    options: ['semantic_cache', 'backend', kind],
  })
  const { log, metrics } = services
  const options: BackendBuildOptions = {
    dimension,
    maxEntries: sc.max_entries,
    evictionPolicy: sc.eviction_policy === '' ? 'fifo' : sc.eviction_policy,
    useHnsw: sc.use_hnsw ?? true,
    hnswM: sc.hnsw_m,
    hnswEfConstruction: sc.hnsw_ef_construction,
    sections: sc.backend,
    maxMemoryEntries: sc.max_memory_entries ?? 0,
    backendConfigPath: sc.backend_config_path,
    baseDir: services.baseDir,
    log,
    now,
    onEvict: SemanticCache.evictionRecorder(metrics, plugin.kind),
  }
  try {
    const backend = await plugin.create(options, own)
    logEvent(log, 'cache_ready', {
      backend: plugin.kind,
      dimension,
      max_entries: sc.max_entries,
      eviction_policy: options.evictionPolicy,
      ttl_seconds: sc.ttl_seconds,
      shared: plugin.capabilities.shared,
      persistent: plugin.capabilities.persistent,
    })
    return new SemanticCache(
      backend,
      {
        lookupTimeoutMs: sc.lookup_timeout_ms,
        writeTimeoutMs: sc.write_timeout_ms,
        failureThreshold: sc.failure_threshold,
        cooldownMs: sc.cooldown_ms,
        candidates: 4,
      },
      metrics,
      log,
    )
  } catch (err) {
    metrics.cacheBackendUp.set({ backend: plugin.kind }, 0)
    logEvent(
      log,
      'cache_backend_unavailable',
      {
        backend: plugin.kind,
        code: isRouterError(err) ? err.code : 'internal_error',
        error: err instanceof Error ? err.message : String(err),
        action: 'serving without a semantic cache',
      },
      'error',
    )
    return null
  }
}

/**
 * The learned verifier when the config asks for it. A model that cannot be loaded (a damaged
 * install) must not take the cache down: the hand-written rules decide instead, loudly.
 */
function learnedVerifier(
  config: RouterConfig,
  log: Logger,
  metrics: RouterMetrics,
): LearnedVerifierModel | undefined {
  const v = config.semantic_cache.verification
  if (!v.enabled || v.method !== 'learned') return undefined
  try {
    return sharedVerifierModel(EMBEDDED_MODELS.cacheVerifier)
  } catch (err) {
    const code = isRouterError(err) ? err.code : 'internal_error'
    metrics.modelFallbacks.inc({ role: 'cache_verifier', reason: code })
    logEvent(
      log,
      'cache_verifier_unavailable',
      {
        code,
        error: err instanceof Error ? err.message : String(err),
        action: 'verifying cache hits with the hand-written rules',
      },
      'error',
    )
    return undefined
  }
}
