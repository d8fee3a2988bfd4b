/** Model facts of a config: a category's candidates, LoRA base names, known model names. */
import type { CategoryConfig, ModelScoreConfig, RouterConfig } from '../config/schema/index.js'
import { selectStatic } from './selection/static-selector.js'
import type { ModelCandidate } from './selection/types.js'

export interface ModelChoice {
  /** Base model name (endpoint and policy lookups). */
  readonly model: string
  /** Name to put in the request body: the LoRA adapter when configured, else the model. */
  readonly upstreamModel: string
  readonly score: ModelScoreConfig | undefined
}

/** A category's `model_scores` as selection candidates, in config order (compiled per config). */
export function modelCandidates(category: CategoryConfig): ModelCandidate[] {
  return category.model_scores.map((score) => ({
    model: score.model,
    upstreamModel: score.lora_name ?? score.model,
    score: score.score,
    config: score,
  }))
}

/** The static rule without a fallback (status pages, the entropy table). */
export function bestModelForCategory(
  category: CategoryConfig,
  accept: (model: string) => boolean = () => true,
): ModelChoice | undefined {
  const choice = selectStatic({
    requestId: '',
    category: category.name,
    candidates: modelCandidates(category),
    constraints: [{ name: 'accept', accepts: accept }],
    fallback: '',
  })
  return (
    choice && {
      model: choice.model,
      upstreamModel: choice.upstreamModel,
      score: choice.candidate?.config,
    }
  )
}

/** Whether reasoning is configured for this (category, model) pair; Sep-2025 category-level fallback. */
export function useReasoningFor(
  category: CategoryConfig,
  score: ModelScoreConfig | undefined,
): boolean {
  return score?.use_reasoning ?? category.use_reasoning ?? false
}

/** Whether `model` is a name the config knows (model_config key, LoRA, scored model, default). */
export function isKnownModel(config: RouterConfig, model: string): boolean {
  if (model === config.default_model) return true
  if (Object.hasOwn(config.model_config, model)) return true
  for (const params of Object.values(config.model_config))
    if (params.loras.some((l) => l.name === model)) return true
  return config.categories.some((c) =>
    c.model_scores.some((s) => s.model === model || s.lora_name === model),
  )
}

/** Base model of a LoRA adapter name (LoRA names inherit their base model's policies). */
export function baseModelOf(config: RouterConfig, model: string): string {
  if (Object.hasOwn(config.model_config, model)) return model
  for (const [base, params] of Object.entries(config.model_config))
    if (params.loras.some((l) => l.name === model)) return base
  return model
}
