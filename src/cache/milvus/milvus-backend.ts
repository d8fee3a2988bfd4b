/**
 * backend_type: milvus — recognised, not available. There is no Milvus client or server in this
 * build's environment, so instead of pretending, the factory validates the user's milvus.yaml (so
 * mistakes are still reported) and then fails with `cache_backend_unavailable`. SemanticCache turns
 * that into "serve without a cache" with a log line and the llm_cache_backend_up gauge at 0.
 */
import { RouterError } from '../../errors.js'
import type { BackendCapabilities, CacheBackendFactory } from '../types.js'
import { loadMilvusConfig } from './milvus-config.js'

const CAPABILITIES: BackendCapabilities = {
  shared: true,
  persistent: true,
  approximate: true,
  evictionPolicies: [],
}

export const milvusBackendFactory: CacheBackendFactory = {
  name: 'milvus',
  description: 'Milvus (upstream). Not available in this build: use postgres or hybrid',
  capabilities: CAPABILITIES,
  async create(options) {
    const path = options.backendConfigPath
    const target =
      path === undefined || path === ''
        ? undefined
        : await loadMilvusConfig(path, options.baseDir).then(
            (c) => `${c.connection.host}:${c.connection.port}/${c.collection.name}`,
          )
    throw new RouterError(
      'cache_backend_unavailable',
      `semantic_cache.backend_type "milvus" is not available in this build` +
        (target === undefined ? '' : ` (configured target ${target})`) +
        '; use backend_type "postgres" (shared, pgvector) or "hybrid" (in-memory index + postgres)',
    )
  },
}
