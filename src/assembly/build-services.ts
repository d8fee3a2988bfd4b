/**
 * Builds RuntimeServices from a config: the sentence embedder (bert_model, else the embedded
 * lexical model), the guard detectors the config's detector lists name (src/guards/registry.ts:
 * the embedded rules and validators, joined by the user's ONNX models when prompt_guard /
 * classifier.pii_model name them) and the semantic cache (src/cache/open.ts). Models come from the
 * state owner's registry (`RouterState.models`, src/ml/registry.ts): one load per model, shared by
 * every runtime, kept across config reloads that do not change them.
 *
 * Models the config will certainly use are loaded (and their lock-file checksums verified) while
 * the runtime is built, so a broken model fails start-up or falls back before the first request,
 * not during it. Nothing here uses the network.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { OnnxEmbedder } from '../embeddings/onnx-embedder.js'
import type { Embedder } from '../embeddings/types.js'
import { buildJailbreakDetector, buildPiiDetector } from '../guards/registry.js'
import type { MessageJailbreakDetector, PiiDetector } from '../guards/types.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import { loadRoleModel, type RoleDeps } from '../ml/roles.js'
import type { RuntimeServices } from '../runtime/services.js'
import { RouterState } from '../runtime/state.js'
import { openSemanticCache, type CacheHandle } from '../cache/open.js'
import type { SemanticCache } from '../cache/semantic-cache.js'
import { BUILTIN_PLUGINS, type RouterPlugins } from './plugins.js'

export interface ServiceDeps {
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly baseDir: string
  /** The process's long-lived state (when omitted: a fresh one, closed with these services). */
  readonly state?: RouterState
  /** Plug-in registries the services build from (default: the built-in ones). */
  readonly plugins?: Pick<RouterPlugins, 'cacheBackends' | 'jailbreakDetectors' | 'piiDetectors'>
}

/** Does this config need sentence embeddings at all? */
function usesEmbeddings(config: RouterConfig): boolean {
  return config.semantic_cache.enabled || config.embedding_rules.length > 0 || config.tools.enabled
}

async function buildEmbedder(deps: RoleDeps): Promise<Embedder> {
  const loaded = await loadRoleModel('embedding', deps)
  // The embedding role always resolves (the embedded default is its fallback).
  return new OnnxEmbedder(loaded!.lease, loaded!.resolved.name)
}

export async function createRuntimeServices(
  config: RouterConfig,
  deps: ServiceDeps,
): Promise<RuntimeServices> {
  const plugins = deps.plugins ?? BUILTIN_PLUGINS
  const state = deps.state ?? new RouterState()
  const ownsState = deps.state === undefined
  const roleDeps: RoleDeps = {
    config,
    log: deps.log,
    metrics: deps.metrics,
    baseDir: deps.baseDir,
    models: state.models,
  }
  let embedder: Promise<Embedder> | undefined
  let jailbreak: Promise<MessageJailbreakDetector | null> | undefined
  let pii: Promise<PiiDetector | null> | undefined
  let cache: Promise<CacheHandle | null> | undefined
  let openedCache: SemanticCache | undefined
  const services: RuntimeServices = {
    log: deps.log,
    metrics: deps.metrics,
    baseDir: deps.baseDir,
    state,
    embedder: () => (embedder ??= buildEmbedder(roleDeps)),
    jailbreakDetector: () =>
      (jailbreak ??= buildJailbreakDetector(roleDeps, plugins.jailbreakDetectors)),
    piiDetector: () => (pii ??= buildPiiDetector(roleDeps, plugins.piiDetectors)),
    semanticCache: () =>
      (cache ??= openSemanticCache(config, {
        log: deps.log,
        metrics: deps.metrics,
        baseDir: deps.baseDir,
        embedder: () => services.embedder(),
        stores: state.cacheStores,
        backends: plugins.cacheBackends,
      }).then((handle) => {
        openedCache = handle?.cache
        return handle
      })),
    openedSemanticCache: () => openedCache,
    close: async () => {
      // The cache first: it may still write with the embedder.
      const handle = await cache?.catch(() => null)
      cache = openedCache = undefined
      await handle?.release()
      const built = await Promise.allSettled([embedder, jailbreak, pii])
      embedder = jailbreak = pii = undefined
      for (const b of built) if (b.status === 'fulfilled') await b.value?.close?.()
      if (ownsState) await state.close()
    },
  }
  const warm: Promise<unknown>[] = []
  if (usesEmbeddings(config) || config.bert_model.model_id !== '') warm.push(services.embedder())
  // Even the embedded rules are built at startup: their literal pre-filter takes tens of ms,
  // which the first request should not pay.
  if (config.prompt_guard.enabled) warm.push(services.jailbreakDetector())
  if (config.classifier.pii_model.model_id !== '') warm.push(services.piiDetector())
  const settled = await Promise.allSettled(warm)
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await services.close()
    throw failed.reason
  }
  return services
}
