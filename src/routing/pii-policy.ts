/**
 * Per-model PII policy (`model_config.<model>.pii_policy`), upstream's rule: a model is enforced
 * only when `allow_by_default` is false; a LoRA adapter name uses its base model's policy; a model
 * the config does not know is not enforced. `NO_PII` is never denied.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { baseModelOf } from './select-model.js'

/** Types the model's policy denies among `types` ([] when the model is not enforced). */
export function deniedTypes(
  config: RouterConfig,
  model: string,
  types: readonly string[],
): string[] {
  const policy = config.model_config[baseModelOf(config, model)]?.pii_policy
  if (!policy || policy.allow_by_default) return []
  const allowed = new Set(policy.pii_types_allowed)
  return types.filter((t) => t !== 'NO_PII' && !allowed.has(t))
}

export function isEnforced(config: RouterConfig, model: string): boolean {
  const policy = config.model_config[baseModelOf(config, model)]?.pii_policy
  return policy !== undefined && !policy.allow_by_default
}
