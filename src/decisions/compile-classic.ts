/**
 * A classic config → the decision model: one recipe whose decisions are the categories. Each
 * category becomes a domain signal (its name and `mmlu_categories`) and a decision of the same
 * name matching `{domain: <category>}`, with its `model_scores` as candidates (score kept, so the
 * static selector still picks the highest) and its system prompt and cache settings as plugins.
 *
 * The classic domain signal is the whole classifier chain (keyword rules → embedding rules →
 * category model, first answer wins), which yields at most one category; so exactly one decision
 * matches, or none (the default model), as before.
 */
import type { CategoryConfig, RouterConfig } from '../config/schema/index.js'
import type { SignalsConfig } from '../config/schema/v03/signals.js'
import { signalsSchema } from '../config/schema/v03/signals.js'
import { leafKey } from './rules.js'
import type { Decision, DecisionModel, DecisionPlugins, ModelRef, Recipe } from './types.js'

/** Every classic decision has the same priority: the chain already chose one category. */
export const CLASSIC_PRIORITY = 100

/** A category's system prompt is a decision plugin when it has one and does not switch it off. */
function systemPromptEnabled(category: CategoryConfig): boolean {
  if (category.system_prompt === '') return false
  return category.system_prompt_enabled ?? true
}

export function compileClassic(config: RouterConfig): DecisionModel {
  const decisions: Decision[] = config.categories.map((cat, index) => {
    const modelRefs: ModelRef[] = cat.model_scores.map((s) => {
      const effort = s.reasoning_effort ?? cat.reasoning_effort
      return {
        model: s.model,
        upstreamModel: s.lora_name ?? s.model,
        useReasoning: s.use_reasoning ?? cat.use_reasoning ?? false,
        ...(effort === undefined ? {} : { reasoningEffort: effort }),
        ...(s.lora_name === undefined ? {} : { loraName: s.lora_name }),
        score: s.score,
      }
    })
    const ttl = config.semantic_cache.category_ttl_seconds[cat.name]
    const plugins: DecisionPlugins = {
      ...(systemPromptEnabled(cat)
        ? { systemPrompt: { prompt: cat.system_prompt, mode: cat.system_prompt_mode } }
        : {}),
      cache: {
        enabled: cat.semantic_cache_enabled ?? true,
        ...(cat.semantic_cache_similarity_threshold === undefined
          ? {}
          : { similarityThreshold: cat.semantic_cache_similarity_threshold }),
        ...(ttl === undefined ? {} : { ttlSeconds: ttl }),
      },
    }
    return {
      name: cat.name,
      description: cat.description,
      priority: CLASSIC_PRIORITY,
      tier: 0,
      rules: { kind: 'leaf', type: 'domain', name: cat.name, key: leafKey('domain', cat.name) },
      modelRefs,
      algorithm: undefined,
      plugins,
      category: cat.name,
      annotations: {},
      index,
    }
  })
  const recipe: Recipe = {
    name: 'default',
    strategy: 'priority',
    signals: classicSignals(config),
    decisions,
    signalTypes: new Set(decisions.length > 0 ? ['domain'] : []),
    tiered: false,
  }
  return {
    source: 'classic',
    recipes: new Map([['default', recipe]]),
    entrypoints: new Map(),
    autoNames: new Set([config.auto_model_name, 'auto']),
    defaultModel: config.default_model,
    // Requests with no confident category are cached with the global settings, as before.
    noMatch: { cache: { enabled: true } },
    entropyReasoning: true,
  }
}

/**
 * The categories as domain signals. A label claimed by several categories maps to the first one
 * (classic's rule), so each label is listed under that category only.
 */
export function classicSignals(config: RouterConfig): SignalsConfig {
  const claimed = new Set<string>()
  const domains = config.categories.map((cat) => {
    const own = cat.mmlu_categories.filter((label) => {
      const key = label.toLowerCase()
      if (claimed.has(key)) return false
      claimed.add(key)
      return true
    })
    return {
      name: cat.name,
      description: cat.description,
      mmlu_categories: own,
      model_scores: cat.model_scores.map((s) => ({
        model: s.model,
        score: s.score,
        ...(s.use_reasoning === undefined ? {} : { use_reasoning: s.use_reasoning }),
        ...(s.reasoning_effort === undefined ? {} : { reasoning_effort: s.reasoning_effort }),
        ...(s.lora_name === undefined ? {} : { lora_name: s.lora_name }),
      })),
    }
  })
  return signalsSchema.parse({ domains })
}
