/**
 * Every extension point's registry in one value, and the load-time check that runs each registry
 * over its part of a config. `validate-config`, `serve`, `classify` and hot reload all load configs
 * through src/assembly/load-config.ts with these checks, so they accept and refuse the same files.
 * An app (or a test) adds plug-ins with `withPlugins(BUILTIN_PLUGINS, {...})`; nothing global
 * changes.
 */
import type { PluginRegistry, ConfigCheck } from '../config/plugin.js'
import {
  BUILTIN_CACHE_BACKENDS,
  checkCacheBackends,
  type AnyCacheBackendPlugin,
} from '../cache/registry.js'
import {
  BUILTIN_CLASSIFIERS,
  checkClassifiers,
  type AnyClassifierPlugin,
} from '../classify/registry.js'
import {
  BUILTIN_JAILBREAK_DETECTORS,
  BUILTIN_PII_DETECTORS,
  checkDetectors,
  type AnyJailbreakDetectorPlugin,
  type AnyPiiDetectorPlugin,
} from '../guards/registry.js'
import {
  BUILTIN_MODULES,
  checkModules,
  type AnyModuleFactory,
} from '../pipeline/modules/registry.js'
import {
  BUILTIN_ENDPOINT_POLICIES,
  BUILTIN_MODEL_SELECTORS,
  checkSelection,
  type AnyEndpointPolicyPlugin,
  type AnyModelSelectorPlugin,
} from '../routing/selection/registry.js'
import { checkDecisionAlgorithms } from '../routing/selection/per-decision.js'
import { BUILTIN_SIGNALS, type AnySignalPlugin } from '../signals/registry.js'

export interface RouterPlugins {
  readonly modules: PluginRegistry<AnyModuleFactory>
  readonly classifiers: PluginRegistry<AnyClassifierPlugin>
  readonly modelSelectors: PluginRegistry<AnyModelSelectorPlugin>
  readonly endpointPolicies: PluginRegistry<AnyEndpointPolicyPlugin>
  readonly signals: PluginRegistry<AnySignalPlugin>
  readonly cacheBackends: PluginRegistry<AnyCacheBackendPlugin>
  readonly jailbreakDetectors: PluginRegistry<AnyJailbreakDetectorPlugin>
  readonly piiDetectors: PluginRegistry<AnyPiiDetectorPlugin>
}

export const BUILTIN_PLUGINS: RouterPlugins = {
  modules: BUILTIN_MODULES,
  classifiers: BUILTIN_CLASSIFIERS,
  modelSelectors: BUILTIN_MODEL_SELECTORS,
  endpointPolicies: BUILTIN_ENDPOINT_POLICIES,
  signals: BUILTIN_SIGNALS,
  cacheBackends: BUILTIN_CACHE_BACKENDS,
  jailbreakDetectors: BUILTIN_JAILBREAK_DETECTORS,
  piiDetectors: BUILTIN_PII_DETECTORS,
}

/** `base` with extra plug-ins registered (a kind registered twice is an error). */
export function withPlugins(
  base: RouterPlugins,
  extra: {
    readonly modules?: readonly AnyModuleFactory[]
    readonly classifiers?: readonly AnyClassifierPlugin[]
    readonly modelSelectors?: readonly AnyModelSelectorPlugin[]
    readonly endpointPolicies?: readonly AnyEndpointPolicyPlugin[]
    readonly signals?: readonly AnySignalPlugin[]
    readonly cacheBackends?: readonly AnyCacheBackendPlugin[]
    readonly jailbreakDetectors?: readonly AnyJailbreakDetectorPlugin[]
    readonly piiDetectors?: readonly AnyPiiDetectorPlugin[]
  },
): RouterPlugins {
  return {
    modules: base.modules.with(...(extra.modules ?? [])),
    classifiers: base.classifiers.with(...(extra.classifiers ?? [])),
    modelSelectors: base.modelSelectors.with(...(extra.modelSelectors ?? [])),
    endpointPolicies: base.endpointPolicies.with(...(extra.endpointPolicies ?? [])),
    signals: base.signals.with(...(extra.signals ?? [])),
    cacheBackends: base.cacheBackends.with(...(extra.cacheBackends ?? [])),
    jailbreakDetectors: base.jailbreakDetectors.with(...(extra.jailbreakDetectors ?? [])),
    piiDetectors: base.piiDetectors.with(...(extra.piiDetectors ?? [])),
  }
}

/** The load-time check of every plug-in's part of a config. */
export function pluginChecks(plugins: RouterPlugins = BUILTIN_PLUGINS): ConfigCheck {
  return (config, report) => {
    checkModules(config, plugins.modules, report)
    checkClassifiers(config, plugins.classifiers, report)
    checkSelection(config, plugins, report)
    checkDecisionAlgorithms(config, plugins.modelSelectors, report)
    checkCacheBackends(config, plugins.cacheBackends, report)
    checkDetectors(
      config,
      { jailbreak: plugins.jailbreakDetectors, pii: plugins.piiDetectors },
      report,
    )
  }
}
