/**
 * backend_type: milvus — recognised, not available. There is no Milvus client or server in this
 * build's environment, so instead of pretending, the factory validates the user's milvus.yaml (so
 * mistakes are still reported) and then fails with `cache_backend_unavailable`. SemanticCache turns
 * that into "serve without a cache" with a log line and the llm_cache_backend_up gauge at 0.
 */
import { z } from 'zod'
import { RouterError } from '../../errors.js'
import type { BackendCapabilities, CacheBackendPlugin } from '../types.js'
import { loadMilvusConfig } from './milvus-config.js'

const CAPABILITIES: BackendCapabilities = {
  shared: true,
  persistent: true,
  approximate: true,
  evictionPolicies: [],
}

/** Upstream keeps Milvus settings in its own file (`backend_config_path`); no options here. */
export const milvusBackendPlugin: CacheBackendPlugin<Record<string, never>> = {
  kind: 'milvus',
  description: 'Milvus (upstream). Not available in this build: use postgres or hybrid',
  optionsSchema: z.strictObject({}),
  capabilities: CAPABILITIES,
  check(cache, _options, report) {
    if ((cache.backend_config_path ?? '') === '')
      report(
        'error',
        ['semantic_cache', 'backend_config_path'],
        'is required for the milvus backend',
      )
    if (cache.enabled)
      report(
        'warning',
        ['semantic_cache', 'backend_type'],
        'milvus is not available in this build; the router will serve without a semantic cache (use postgres or hybrid)',
      )
  },
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
