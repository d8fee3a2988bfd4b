/**
 * `semantic-router config migrate`: a classic config → the v0.3 document that routes the same way
 * (src/decisions/migrate/routing.ts builds the rules). Unlike upstream's `vllm-sr config migrate`,
 * which only moves blocks and leaves every request on the default model, this writes decisions.
 * What v0.3 cannot say is listed in `notes` (and written as comments at the top of the file).
 */
import type { RouterConfig, VllmEndpointConfig } from '../../config/schema/index.js'
import { classicSignals } from '../compile-classic.js'
import { OWN_CACHE_KEYS } from '../../config/v03/own-keys.js'
import {
  categoryRule,
  embeddingSignalName,
  FALLBACK_DECISION,
  JAILBREAK_DECISION,
  jailbreakRule,
  keywordSignalName,
} from './routing.js'

export interface Migration {
  readonly document: Record<string, unknown>
  readonly notes: readonly string[]
}

/** Our own sections, copied as written (only keys the file sets). */
const OWN_SECTIONS = ['server', 'upstream', 'extproc', 'pipeline', 'inference'] as const

/** Priorities: the guard above every category, the fallback below. */
const JAILBREAK_PRIORITY = 1000
const CATEGORY_PRIORITY = 100
const FALLBACK_PRIORITY = 0

export function migrateClassic(config: RouterConfig, raw: Record<string, unknown>): Migration {
  const notes: string[] = []
  const models = referencedModels(config)
  const document: Record<string, unknown> = {
    version: 'v0.3',
    providers: providers(config, models, notes),
    routing: routing(config, models, notes),
    global: global(config, notes),
  }
  for (const key of OWN_SECTIONS) if (raw[key] !== undefined) document[key] = raw[key]
  if (raw['router'] !== undefined)
    notes.push('the classic `router:` tuning block (read by upstream Rust code only) is dropped')
  return { document, notes }
}

/** Every model the classic file names: model_config, category scores, default_model. */
function referencedModels(config: RouterConfig): string[] {
  const names = new Set(Object.keys(config.model_config))
  for (const c of config.categories) for (const s of c.model_scores) names.add(s.model)
  if (config.default_model !== '') names.add(config.default_model)
  return [...names]
}

function highestWeight(endpoints: readonly VllmEndpointConfig[]): VllmEndpointConfig | undefined {
  let best: VllmEndpointConfig | undefined
  for (const ep of endpoints) if (!best || ep.weight > best.weight) best = ep
  return best
}

function providers(config: RouterConfig, models: readonly string[], notes: string[]) {
  const fallback = highestWeight(config.vllm_endpoints)
  const host = (ep: VllmEndpointConfig) =>
    ep.address.includes(':') ? `[${ep.address}]:${ep.port}` : `${ep.address}:${ep.port}`
  const list = models.map((name) => {
    const params = config.model_config[name]
    const preferred = config.vllm_endpoints.filter((e) =>
      params?.preferred_endpoints.includes(e.name),
    )
    // Classic sends a model without preferred endpoints to the highest-weight endpoint.
    const endpoints = preferred.length > 0 ? preferred : fallback ? [fallback] : []
    const family = params?.reasoning_family ?? ''
    const familyKnown = family !== '' && config.reasoning_families[family] !== undefined
    if (family !== '' && !familyKnown)
      notes.push(
        `model_config.${name}.reasoning_family "${family}" is not defined in reasoning_families (classic: no reasoning fields); dropped`,
      )
    if (params && !params.pii_policy.allow_by_default)
      notes.push(
        `model_config.${name}.pii_policy has no v0.3 form (v0.3 routes on pii signals in decisions); not migrated`,
      )
    return {
      name,
      ...(familyKnown ? { reasoning_family: family } : {}),
      ...(params?.pricing ? { pricing: params.pricing } : {}),
      ...(endpoints.length === 0 ? { provider_model_id: name } : {}),
      backend_refs: endpoints.map((ep) => ({
        name: ep.name,
        endpoint: host(ep),
        protocol: ep.protocol,
        weight: ep.weight,
        ...(ep.api_key_env === undefined ? {} : { api_key_env: ep.api_key_env }),
      })),
    }
  })
  return {
    defaults: {
      default_model: config.default_model,
      ...(config.default_reasoning_effort === undefined
        ? {}
        : { default_reasoning_effort: config.default_reasoning_effort }),
      reasoning_families: config.reasoning_families,
    },
    models: list,
  }
}

function routing(config: RouterConfig, models: readonly string[], notes: string[]) {
  const signals = classicSignals(config)
  const keywords = config.keyword_rules.map((r, i) => ({
    name: keywordSignalName(i, r.category),
    operator: r.operator,
    keywords: r.keywords,
    case_sensitive: r.case_sensitive,
  }))
  const embeddings = config.embedding_rules.map((r, i) => ({
    name: embeddingSignalName(i, r.category),
    threshold: r.threshold,
    candidates: r.keywords,
    aggregation_method: r.aggregation_method === 'avg' ? 'mean' : r.aggregation_method,
  }))
  const decisions: Record<string, unknown>[] = config.categories.map((c) => ({
    name: c.name,
    description: c.description || `Requests the classic router classified as ${c.name}`,
    priority: CATEGORY_PRIORITY,
    rules: categoryRule(config, c),
    modelRefs: c.model_scores.map((s) => ({
      model: s.model,
      use_reasoning: s.use_reasoning ?? c.use_reasoning ?? false,
      ...((s.reasoning_effort ?? c.reasoning_effort)
        ? { reasoning_effort: s.reasoning_effort ?? c.reasoning_effort }
        : {}),
      ...(s.lora_name === undefined ? {} : { lora_name: s.lora_name }),
    })),
    algorithm: { type: 'static' },
    plugins: categoryPlugins(config, c),
  }))
  const jailbreak: Record<string, unknown>[] = []
  if (config.prompt_guard.enabled) {
    const thresholds = new Set([
      config.prompt_guard.threshold,
      ...config.categories.flatMap((c) =>
        c.jailbreak_threshold === undefined ? [] : [c.jailbreak_threshold],
      ),
    ])
    const name = (t: number) => `jailbreak_${Math.round(t * 1000)}`
    for (const t of thresholds)
      jailbreak.push({ name: name(t), threshold: t, include_history: true })
    decisions.unshift({
      name: JAILBREAK_DECISION,
      description: 'The classic prompt_guard block',
      priority: JAILBREAK_PRIORITY,
      rules: jailbreakRule(config, name),
      plugins: [
        {
          type: 'fast_response',
          configuration: {
            message:
              'I cannot process this request as it appears to contain a potential jailbreak attempt. Please rephrase your request in a way that complies with our usage policies.',
          },
        },
      ],
    })
    notes.push(
      'prompt_guard: v0.3 blocks through the jailbreak_block decision, so only requests that ask the router to choose are scanned (the classic guard also scanned explicit-model requests)',
    )
  }
  if (config.default_model !== '')
    decisions.push({
      name: FALLBACK_DECISION,
      description: 'No category matched: the default model (classic behaviour)',
      priority: FALLBACK_PRIORITY,
      rules: { operator: 'AND' },
      modelRefs: [{ model: config.default_model, use_reasoning: false }],
      plugins: config.semantic_cache.enabled
        ? [{ type: 'response_cache', configuration: { enabled: true } }]
        : [],
    })
  if (config.semantic_cache.enabled)
    notes.push(
      'semantic_cache: explicit-model requests are not cached in v0.3 (only decisions with a response_cache plugin are)',
    )
  return {
    strategy: 'priority',
    modelCards: models.map((name) => ({
      name,
      ...((config.model_config[name]?.loras.length ?? 0) > 0
        ? { loras: config.model_config[name]!.loras }
        : {}),
    })),
    signals: {
      ...(keywords.length > 0 ? { keywords } : {}),
      ...(embeddings.length > 0 ? { embeddings } : {}),
      ...(jailbreak.length > 0 ? { jailbreak } : {}),
      domains: signals.domains.map((d) => ({
        name: d.name,
        description: d.description || d.name,
        ...(d.mmlu_categories.length > 0 ? { mmlu_categories: d.mmlu_categories } : {}),
        model_scores: d.model_scores,
      })),
    },
    decisions,
  }
}

function categoryPlugins(config: RouterConfig, c: RouterConfig['categories'][number]) {
  const plugins: Record<string, unknown>[] = []
  if (c.system_prompt !== '')
    plugins.push({
      type: 'system_prompt',
      configuration: {
        enabled: c.system_prompt_enabled ?? true,
        system_prompt: c.system_prompt,
        // Classic defaulted to replace, v0.3 to insert: always written out.
        mode: c.system_prompt_mode,
      },
    })
  if (config.semantic_cache.enabled) {
    const ttl = config.semantic_cache.category_ttl_seconds[c.name]
    plugins.push({
      type: 'response_cache',
      configuration: {
        enabled: c.semantic_cache_enabled ?? true,
        ...(c.semantic_cache_similarity_threshold === undefined
          ? {}
          : { semantic: { similarity_threshold: c.semantic_cache_similarity_threshold } }),
        ...(ttl === undefined ? {} : { ttl_seconds: ttl }),
      },
    })
  }
  return plugins
}

function global(config: RouterConfig, notes: string[]) {
  const sc = config.semantic_cache
  const bert = config.bert_model
  const cat = config.classifier.category_model
  const pii = config.classifier.pii_model
  const guard = config.prompt_guard
  if (Object.keys(sc.category_ttl_seconds).length > 0)
    notes.push(
      'semantic_cache.category_ttl_seconds became each decision’s response_cache ttl_seconds',
    )
  if (config.classifier.mcp_category_model?.enabled)
    notes.push('classifier.mcp_category_model is not supported by this router; not migrated')
  return {
    router: {
      strategy: 'priority',
      auto_model_name: config.auto_model_name,
      include_config_models_in_list: config.include_config_models_in_list,
      clear_route_cache: config.clear_route_cache,
    },
    stores: {
      response_cache: {
        enabled: sc.enabled,
        backend_type: sc.backend_type === '' ? 'memory' : sc.backend_type,
        ...(sc.similarity_threshold === undefined
          ? {}
          : { similarity_threshold: sc.similarity_threshold }),
        max_entries: sc.max_entries,
        ttl_seconds: sc.ttl_seconds,
        eviction_policy: sc.eviction_policy === '' ? 'fifo' : sc.eviction_policy,
        ...Object.fromEntries(OWN_CACHE_KEYS.map((k) => [k, sc[k]])),
      },
    },
    integrations: { tools: config.tools },
    services: {
      ...(config.api === undefined ? {} : { api: config.api }),
      ...(config.observability?.tracing === undefined
        ? {}
        : { observability: { tracing: config.observability.tracing } }),
    },
    model_catalog: {
      embeddings: {
        semantic: {
          ...(bert.model_id === '' ? {} : { bert_model_path: bert.model_id }),
          ...(config.embedding_models?.qwen3_model_path
            ? { qwen3_model_path: config.embedding_models.qwen3_model_path }
            : {}),
          ...(config.embedding_models?.gemma_model_path
            ? { gemma_model_path: config.embedding_models.gemma_model_path }
            : {}),
          use_cpu: bert.use_cpu,
          embedding_config: { model_type: 'bert', min_score_threshold: bert.threshold },
        },
      },
      modules: {
        prompt_guard: {
          enabled: guard.enabled,
          ...(guard.model_id === '' ? {} : { model_id: guard.model_id }),
          threshold: guard.threshold,
          use_cpu: guard.use_cpu,
          on_error: guard.on_error,
        },
        classifier: {
          domain: {
            ...(cat.model_id === '' ? {} : { model_id: cat.model_id }),
            threshold: cat.threshold,
            use_cpu: cat.use_cpu,
            on_error: cat.on_error,
          },
          pii: {
            ...(pii.model_id === '' ? {} : { model_id: pii.model_id }),
            threshold: pii.threshold,
            use_cpu: pii.use_cpu,
            on_error: pii.on_error,
          },
        },
      },
    },
  }
}
