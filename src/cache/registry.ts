/** Cache backends by upstream `semantic_cache.backend_type` (plus `postgres`, ours). */
import type { SemanticCacheConfig } from '../config/schema/index.js'
import { hybridBackendFactory } from './hybrid/hybrid-backend.js'
import { memoryBackendFactory } from './memory/memory-backend.js'
import { milvusBackendFactory } from './milvus/milvus-backend.js'
import { postgresBackendFactory } from './postgres/postgres-backend.js'
import type { CacheBackendFactory } from './types.js'

export type BackendType = Exclude<SemanticCacheConfig['backend_type'], ''>

export const CACHE_BACKENDS: Readonly<Record<BackendType, CacheBackendFactory>> = {
  memory: memoryBackendFactory,
  postgres: postgresBackendFactory,
  hybrid: hybridBackendFactory,
  milvus: milvusBackendFactory,
}

/** `""` means memory, as upstream. */
export function backendFactory(type: SemanticCacheConfig['backend_type']): CacheBackendFactory {
  return CACHE_BACKENDS[type === '' ? 'memory' : type]
}
