/**
 * Model selectors and endpoint policies by kind. Adding one: a file exporting a ModelSelectorPlugin
 * or EndpointPolicyPlugin, one line here (or `.with(plugin)` on the registry an app is given).
 */
import type { PathSegment } from '../../config/issues.js'
import { PluginRegistry, type ConfigReport } from '../../config/plugin.js'
import type { RouterConfig } from '../../config/schema/index.js'
import { EndpointStats } from '../../runtime/endpoint-stats.js'
import { toEndpointTarget } from '../endpoints.js'
import { highestWeightPolicy } from './highest-weight.js'
import { leastRequestPolicy } from './least-request.js'
import { powerOfTwoPolicy } from './power-of-two.js'
import { randomPolicy } from './random.js'
import { ResilientPolicy } from './resilient-policy.js'
import { banditSelector } from './bandit.js'
import { eloSelector } from './elo.js'
import { latencyAwareSelector } from './latency-aware.js'
import { multiFactorSelector } from './multi-factor.js'
import { splitSelector } from './split.js'
import { staticSelector } from './static-selector.js'
import { vllmMetricsPolicy } from './vllm-metrics.js'
import { weightedRoundRobinPolicy } from './weighted-round-robin.js'
import type {
  EndpointPolicy,
  EndpointPolicyPlugin,
  ModelSelector,
  ModelSelectorPlugin,
  SelectionBuildContext,
} from './types.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModelSelectorPlugin = ModelSelectorPlugin<any>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpointPolicyPlugin = EndpointPolicyPlugin<any>

export const BUILTIN_MODEL_SELECTORS = new PluginRegistry<AnyModelSelectorPlugin>(
  'model selector',
  [
    staticSelector,
    multiFactorSelector,
    latencyAwareSelector,
    eloSelector,
    banditSelector,
    splitSelector,
  ],
)

export const BUILTIN_ENDPOINT_POLICIES = new PluginRegistry<AnyEndpointPolicyPlugin>(
  'endpoint policy',
  [
    powerOfTwoPolicy,
    weightedRoundRobinPolicy,
    randomPolicy,
    leastRequestPolicy,
    vllmMetricsPolicy,
    highestWeightPolicy,
  ],
)

const at = (key: string): { kind: PathSegment[]; options: PathSegment[] } => ({
  kind: ['pipeline', key, 'kind'],
  options: ['pipeline', key, 'options'],
})

export function checkSelection(
  config: RouterConfig,
  registries: {
    readonly modelSelectors: PluginRegistry<AnyModelSelectorPlugin>
    readonly endpointPolicies: PluginRegistry<AnyEndpointPolicyPlugin>
  },
  report: ConfigReport,
): void {
  const { model_selector: ms, endpoint_policy: ep } = config.pipeline
  registries.modelSelectors.check(ms.kind, ms.options, at('model_selector'), report)
  registries.endpointPolicies.check(ep.kind, ep.options, at('endpoint_policy'), report)
  for (const [model, params] of Object.entries(config.model_config)) {
    const own = params.endpoint_policy
    if (own) registries.endpointPolicies.check(own.kind, own.options, modelAt(model), report)
  }
}

const modelAt = (model: string): { kind: PathSegment[]; options: PathSegment[] } => ({
  kind: ['model_config', model, 'endpoint_policy', 'kind'],
  options: ['model_config', model, 'endpoint_policy', 'options'],
})

export function buildModelSelector(
  ctx: SelectionBuildContext,
  registry: PluginRegistry<AnyModelSelectorPlugin> = BUILTIN_MODEL_SELECTORS,
): ModelSelector {
  const { kind, options } = ctx.config.pipeline.model_selector
  const found = registry.require(kind, options, at('model_selector'))
  return found.plugin.create(ctx, found.options)
}

/**
 * The endpoint policy of a config: `pipeline.endpoint_policy`, each model's own
 * `model_config.<model>.endpoint_policy`, behind the health and load layer every policy shares
 * (ResilientPolicy: outlier detection, live stats).
 */
export function buildEndpointPolicy(
  ctx: SelectionBuildContext,
  registry: PluginRegistry<AnyEndpointPolicyPlugin> = BUILTIN_ENDPOINT_POLICIES,
): ResilientPolicy {
  const stats = ctx.endpointStats ?? new EndpointStats()
  // Standbys are known (metrics: llm_endpoint_priority) before they ever get a request.
  for (const ep of ctx.config.vllm_endpoints)
    if (ep.priority > 0 || stats.snapshot().has(ep.name))
      stats.endpoint(ep.name).priority = ep.priority
  const withStats = { ...ctx, endpointStats: stats }
  const { kind, options } = ctx.config.pipeline.endpoint_policy
  const found = registry.require(kind, options, at('endpoint_policy'))
  const perModel = new Map<string, EndpointPolicy>()
  for (const [model, params] of Object.entries(ctx.config.model_config)) {
    const own = params.endpoint_policy
    if (!own) continue
    const plugin = registry.require(own.kind, own.options, modelAt(model))
    perModel.set(model, plugin.plugin.create(withStats, plugin.options))
  }
  return new ResilientPolicy({
    policy: found.plugin.create(withStats, found.options),
    perModel,
    stats,
    outliers: ctx.config.resilience.outlier_detection,
    coolDown: ctx.config.resilience.cool_down,
    healthChecks: {
      config: ctx.config.resilience.health_checks,
      endpoints: ctx.config.vllm_endpoints.map(toEndpointTarget),
    },
  })
}
