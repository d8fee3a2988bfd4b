/**
 * Model selectors and endpoint policies by kind. Adding one: a file exporting a ModelSelectorPlugin
 * or EndpointPolicyPlugin, one line here (or `.with(plugin)` on the registry an app is given).
 */
import type { PathSegment } from '../../config/issues.js'
import { PluginRegistry, type ConfigReport } from '../../config/plugin.js'
import type { RouterConfig } from '../../config/schema/index.js'
import { highestWeightPolicy } from './highest-weight.js'
import { staticSelector } from './static-selector.js'
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
  [staticSelector],
)

export const BUILTIN_ENDPOINT_POLICIES = new PluginRegistry<AnyEndpointPolicyPlugin>(
  'endpoint policy',
  [highestWeightPolicy],
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
}

export function buildModelSelector(
  ctx: SelectionBuildContext,
  registry: PluginRegistry<AnyModelSelectorPlugin> = BUILTIN_MODEL_SELECTORS,
): ModelSelector {
  const { kind, options } = ctx.config.pipeline.model_selector
  const found = registry.require(kind, options, at('model_selector'))
  return found.plugin.create(ctx, found.options)
}

export function buildEndpointPolicy(
  ctx: SelectionBuildContext,
  registry: PluginRegistry<AnyEndpointPolicyPlugin> = BUILTIN_ENDPOINT_POLICIES,
): EndpointPolicy {
  const { kind, options } = ctx.config.pipeline.endpoint_policy
  const found = registry.require(kind, options, at('endpoint_policy'))
  return found.plugin.create(ctx, found.options)
}
