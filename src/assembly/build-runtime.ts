/**
 * Builds a Runtime (src/pipeline/runtime.ts) from one config: shared services (models, detectors),
 * the classifier chain, the pipeline modules and the pipeline. Hot reload builds a new Runtime and
 * swaps it in; requests in flight finish on the one they started with.
 */
import { dirname, resolve } from 'node:path'
import { buildClassifierChain } from '../classify/registry.js'
import type { LoadedConfig } from '../config/load.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import { buildModules } from '../pipeline/modules/registry.js'
import { Pipeline } from '../pipeline/pipeline.js'
import type { Runtime } from '../pipeline/runtime.js'
import { RoutingTables } from '../routing/tables.js'
import { createRuntimeServices } from './build-services.js'
import { BUILTIN_PLUGINS, type RouterPlugins } from './plugins.js'
import type { RouterState } from '../runtime/state.js'
import { EndpointStats } from '../runtime/endpoint-stats.js'
import { buildEndpointPolicy, buildModelSelector } from '../routing/selection/registry.js'
import type { Selection } from '../routing/selection/types.js'
import type { RuntimeServices } from '../runtime/services.js'
import { DecisionEngine, signalErrorHook } from '../decisions/engine.js'
import { buildDecisionSelectors } from '../routing/selection/per-decision.js'
import { selectionLive } from '../routing/selection/live.js'

export interface RuntimeDeps {
  readonly log: Logger
  readonly metrics: RouterMetrics
  /** Base for relative paths in the config; defaults to the config file's directory. */
  readonly baseDir?: string
  /** Reuse services (e.g. loaded models) instead of building new ones. */
  readonly services?: RuntimeServices
  /** Long-lived state shared by consecutive runtimes (cache stores, slots). */
  readonly state?: RouterState
  /** Plug-in registries (default: the built-in ones). */
  readonly plugins?: RouterPlugins
}

export async function buildRuntime(loaded: LoadedConfig, deps: RuntimeDeps): Promise<Runtime> {
  const config = loaded.config
  const baseDir =
    deps.baseDir ??
    (loaded.source.startsWith('<') ? process.cwd() : dirname(resolve(loaded.source)))
  const plugins = deps.plugins ?? BUILTIN_PLUGINS
  const ownsServices = deps.services === undefined
  const services =
    deps.services ??
    (await createRuntimeServices(config, {
      log: deps.log,
      metrics: deps.metrics,
      baseDir,
      plugins,
      ...(deps.state ? { state: deps.state } : {}),
    }))
  try {
    const tables = new RoutingTables(config)
    const endpointStats = deps.state?.endpointStats ?? new EndpointStats()
    const live = selectionLive(config, services, deps.log, endpointStats)
    const selectionCtx = { config, log: deps.log, endpointStats, live }
    const selection: Selection = {
      live,
      models: buildModelSelector(selectionCtx, plugins.modelSelectors),
      endpoints: buildEndpointPolicy(selectionCtx, plugins.endpointPolicies),
      decisions: buildDecisionSelectors(tables.decisions, selectionCtx, plugins.modelSelectors),
    }
    const classifiers = await buildClassifierChain(config, services, plugins.classifiers)
    const decisions = await DecisionEngine.build(
      tables.decisions,
      { config, services, classifiers },
      plugins.signals,
      { onSignalError: signalErrorHook(services) },
    )
    const modules = await buildModules(
      { config, services, tables, classifiers, selection, decisions },
      plugins.modules,
    )
    const pipeline = new Pipeline({ config, services, tables, classifiers, selection, modules })
    let closed: Promise<void> | undefined
    return {
      loaded,
      config,
      services,
      pipeline,
      close() {
        closed ??= (async () => {
          await Promise.allSettled(modules.map((m) => m.close?.() ?? Promise.resolve()))
          await pipeline.close().catch(() => undefined)
          await decisions.close()
          await classifiers.close()
          await Promise.allSettled([
            selection.models.close?.(),
            selection.endpoints.close?.(),
            ...[...(selection.decisions?.values() ?? [])].map((s) => s.close?.()),
          ])
          if (ownsServices) await services.close()
        })()
        return closed
      },
    }
  } catch (err) {
    if (ownsServices) await services.close()
    throw err
  }
}
