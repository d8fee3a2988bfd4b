/**
 * Every cache backend kind, by upstream's `semantic_cache.backend_type` (plus `postgres`, ours).
 * Adding one: a folder exporting a CacheBackendPlugin (kind, description, options schema beside
 * it, capabilities, factory) and one line here. The kind and every `semantic_cache.backend.<kind>`
 * section are checked when the config is loaded (src/assembly/plugins.ts), with the schema of the
 * backend that section belongs to.
 */
import { checkOptions, PluginRegistry, type ConfigReport } from '../config/plugin.js'
import type { RouterConfig, SemanticCacheConfig } from '../config/schema/index.js'
import { hybridBackendPlugin } from './hybrid/hybrid-backend.js'
import { memoryBackendPlugin } from './memory/memory-backend.js'
import { milvusBackendPlugin } from './milvus/milvus-backend.js'
import { postgresBackendPlugin } from './postgres/postgres-backend.js'
import type { CacheBackendPlugin } from './types.js'

// Loose on option types on purpose: each backend validates its own options with its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCacheBackendPlugin = CacheBackendPlugin<any>

export const BUILTIN_CACHE_BACKENDS = new PluginRegistry<AnyCacheBackendPlugin>('cache backend', [
  memoryBackendPlugin,
  postgresBackendPlugin,
  hybridBackendPlugin,
  milvusBackendPlugin,
])

/** `""` means memory, as upstream. */
export function backendKind(type: SemanticCacheConfig['backend_type']): string {
  return type === '' ? 'memory' : type
}

const sectionPath = (kind: string) => ['semantic_cache', 'backend', kind]

/**
 * Load-time check of `semantic_cache`: `backend_type` is a known backend, every section under
 * `semantic_cache.backend` belongs to a known backend and matches that backend's options schema,
 * and the chosen backend's own rules hold (e.g. postgres needs a connection).
 */
export function checkCacheBackends(
  config: RouterConfig,
  registry: PluginRegistry<AnyCacheBackendPlugin>,
  report: ConfigReport,
): void {
  const cache = config.semantic_cache
  const kind = backendKind(cache.backend_type)
  const plugin = registry.get(kind)
  if (plugin === undefined)
    registry.check(
      kind,
      undefined,
      { kind: ['semantic_cache', 'backend_type'], options: [] },
      report,
    )
  for (const [section, options] of Object.entries(cache.backend)) {
    const path = sectionPath(section)
    registry.check(section, options, { kind: path, options: path }, report)
  }
  if (plugin === undefined) return
  // A section that is present was reported above; an absent one means every default.
  const own = checkOptions(plugin, cache.backend[kind], sectionPath(kind), () => {})
  if (own) plugin.check?.(cache, own.options, report)
}
