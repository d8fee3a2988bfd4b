/** A v0.3 routing (top-level `routing` and every recipe) → the decision model. */
import type { RouterConfig, V03Routing } from '../config/schema/index.js'
import type {
  FastResponsePluginConfig,
  HeaderMutationPluginConfig,
  PluginEntryConfig,
  RequestParamsPluginConfig,
  ResponseCachePluginConfig,
  SystemPromptPluginConfig,
} from '../config/schema/v03/plugins.js'
import type { RecipeRoutingConfig } from '../config/schema/v03/index.js'
import type { RuleNodeConfig } from '../config/schema/v03/rules.js'
import { compileRule, firstDomain, leaves } from './rules.js'
import type {
  Decision,
  DecisionModel,
  DecisionPlugins,
  ModelRef,
  Recipe,
  Strategy,
} from './types.js'

export function compileV03(config: RouterConfig, v03: V03Routing): DecisionModel {
  const recipes = new Map<string, Recipe>()
  recipes.set('default', compileRecipe('default', v03.routing, v03.strategy))
  for (const r of v03.recipes)
    recipes.set(r.name, compileRecipe(r.name, r.routing, r.routing.strategy ?? v03.strategy))
  const entrypoints = new Map<string, string>()
  for (const e of v03.entrypoints) for (const name of e.model_names) entrypoints.set(name, e.recipe)
  return {
    source: 'v0.3',
    recipes,
    entrypoints,
    autoNames: new Set(v03.autoModelNames),
    defaultModel: config.default_model,
    noMatch: {},
    entropyReasoning: false,
  }
}

function compileRecipe(name: string, routing: RecipeRoutingConfig, strategy: Strategy): Recipe {
  const composers = new Map<string, RuleNodeConfig>()
  for (const c of routing.signals.complexity) if (c.composer) composers.set(c.name, c.composer)
  const scores = new Map(routing.signals.domains.map((d) => [d.name, d.model_scores]))
  const decisions: Decision[] = routing.decisions.map((d, index) => {
    const rules = d.rules === undefined ? undefined : compileRule(d.rules, composers)
    const domainScores = scores.get(d.name)
    const modelRefs: ModelRef[] = d.modelRefs.map((ref) => {
      const scored = domainScores?.find((s) => s.model === ref.model)
      return {
        model: ref.model,
        upstreamModel: ref.lora_name ?? ref.model,
        useReasoning: ref.use_reasoning,
        ...(ref.reasoning_effort === undefined ? {} : { reasoningEffort: ref.reasoning_effort }),
        ...(ref.lora_name === undefined ? {} : { loraName: ref.lora_name }),
        ...(ref.weight === undefined ? {} : { weight: ref.weight }),
        // Upstream's static selector scores by model_scores only when decision == domain.
        score: domainScores && domainScores.length > 0 ? (scored?.score ?? 0) : 1,
      }
    })
    return {
      name: d.name,
      description: d.description ?? '',
      priority: d.priority,
      tier: d.tier,
      rules,
      modelRefs,
      algorithm: d.algorithm,
      plugins: compilePlugins(d.plugins),
      category: firstDomain(rules),
      annotations: d.annotations ?? {},
      index,
    }
  })
  const signalTypes = new Set(decisions.flatMap((d) => leaves(d.rules).map((l) => l.type)))
  return {
    name,
    strategy,
    signals: routing.signals,
    decisions,
    signalTypes,
    tiered: decisions.some((d) => d.tier > 0),
  }
}

export function compilePlugins(entries: readonly PluginEntryConfig[]): DecisionPlugins {
  const out: {
    -readonly [K in keyof DecisionPlugins]: DecisionPlugins[K]
  } = {}
  for (const entry of entries) {
    if (!entry.supported) continue
    switch (entry.type) {
      case 'system_prompt': {
        const c = entry.configuration as SystemPromptPluginConfig
        if (c.enabled ?? c.system_prompt !== '')
          out.systemPrompt = {
            prompt: c.system_prompt,
            mode: c.mode === 'replace' ? 'replace' : 'insert',
          }
        break
      }
      case 'response_cache': {
        const c = entry.configuration as ResponseCachePluginConfig
        const threshold = c.semantic?.similarity_threshold ?? c.similarity_threshold
        out.cache = {
          enabled: c.enabled,
          ...(threshold === undefined ? {} : { similarityThreshold: threshold }),
          ...(c.ttl_seconds === undefined ? {} : { ttlSeconds: c.ttl_seconds }),
        }
        break
      }
      case 'header_mutation': {
        const c = entry.configuration as HeaderMutationPluginConfig
        out.headerMutation = { add: c.add, update: c.update, delete: c.delete }
        break
      }
      case 'request_params': {
        const c = entry.configuration as RequestParamsPluginConfig
        out.requestParams = {
          blockedParams: c.blocked_params,
          stripUnknown: c.strip_unknown,
          ...(c.max_tokens_limit === undefined ? {} : { maxTokensLimit: c.max_tokens_limit }),
          ...(c.max_n === undefined ? {} : { maxN: c.max_n }),
        }
        break
      }
      case 'fast_response': {
        const c = entry.configuration as FastResponsePluginConfig
        out.fastResponse = { message: c.message }
        break
      }
    }
  }
  return out
}
