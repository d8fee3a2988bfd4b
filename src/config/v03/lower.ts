/**
 * A v0.3 document → this router's internal configuration: providers become `vllm_endpoints` and
 * `model_config`, `global` becomes the cache, guard, classifier, tools, API and tracing sections,
 * our own sections are taken as written, and the routing itself (signals, decisions, entrypoints,
 * recipes) is carried as `v03` for the decision model (src/decisions/compile-v03.ts).
 *
 * The result is a plain object in the classic schema's input shape; the loader parses it with that
 * schema to apply defaults. What cannot be expressed is reported by src/config/v03/checks.ts with
 * the v0.3 path, never dropped silently.
 */
import type { V03Document } from '../schema/v03/index.js'
import { responseCacheStoreSchema } from '../schema/v03/global.js'
import type { V03Routing } from '../schema/index.js'
import { SIGNAL_FAMILIES } from '../schema/v03/signals.js'
import { lowerBackendRef } from './endpoints.js'
import { OWN_CACHE_KEYS, UPSTREAM_ONLY_CACHE_BACKENDS } from './own-keys.js'
import { profilesOf, referencedLeafTypes } from './references.js'

const EFFORTS = new Set(['low', 'medium', 'high'])

/** Upstream's default aliases that ask for routing (`auto_model_name` is added to them). */
export const DEFAULT_AUTO_ALIASES = ['vllm-sr/auto', 'auto'] as const

export interface Lowered {
  /** Input for the classic schema (defaults not yet applied). */
  readonly classic: Record<string, unknown>
  readonly v03: V03Routing
}

export function lowerV03(doc: V03Document): Lowered {
  const g = doc.global
  const router = g.router ?? {}
  const modules = g.model_catalog?.modules
  const system = g.model_catalog?.system ?? {}
  const modelPath = (
    m: { model_id?: string | undefined; model_ref?: string | undefined } | undefined,
  ) => m?.model_id ?? (m?.model_ref === undefined ? undefined : system[m.model_ref]) ?? ''

  const { endpoints, modelConfig } = lowerProviders(doc)
  const leafTypes = referencedLeafTypes(doc)
  const guard = modules?.prompt_guard
  const domain = modules?.classifier?.domain
  const pii = modules?.classifier?.pii
  const semantic = g.model_catalog?.embeddings?.semantic
  const autoName = router.auto_model_name ?? 'MoM'
  const effort = doc.providers.defaults.default_reasoning_effort

  const classic: Record<string, unknown> = {
    default_model: doc.providers.defaults.default_model,
    reasoning_families: Object.fromEntries(
      Object.entries(doc.providers.defaults.reasoning_families).map(([name, fam]) => [
        name,
        {
          // Both effort families write a top-level field in this router (docs/decisions.md).
          type: fam.type === 'chat_template_kwargs' ? 'chat_template_kwargs' : 'reasoning_effort',
          parameter: fam.parameter,
        },
      ]),
    ),
    ...(effort !== undefined && EFFORTS.has(effort) ? { default_reasoning_effort: effort } : {}),
    vllm_endpoints: endpoints,
    model_config: modelConfig,
    bert_model: {
      model_id: embeddingModelPath(semantic),
      ...(semantic?.embedding_config?.min_score_threshold === undefined
        ? {}
        : { threshold: semantic.embedding_config.min_score_threshold }),
      ...(semantic?.use_cpu === undefined ? {} : { use_cpu: semantic.use_cpu }),
    },
    classifier: {
      category_model: {
        model_id: modelPath(domain),
        threshold: domain?.threshold ?? 0.5,
        ...(domain?.on_error === undefined ? {} : { on_error: domain.on_error }),
      },
      pii_model: {
        model_id: modelPath(pii),
        threshold: pii?.threshold ?? 0.9,
        ...(pii?.on_error === undefined ? {} : { on_error: pii.on_error }),
      },
    },
    // The classic guard blocks every request; in v0.3 blocking is a decision's job, so the
    // detector is only built when a decision refers to a jailbreak signal.
    prompt_guard: {
      enabled: guard?.enabled !== false && leafTypes.has(SIGNAL_FAMILIES.jailbreak.type),
      model_id: modelPath(guard),
      threshold: guard?.threshold ?? 0.7,
      ...(guard?.on_error === undefined ? {} : { on_error: guard.on_error }),
      ...(guard?.operator_messages === undefined
        ? {}
        : { operator_messages: guard.operator_messages }),
    },
    semantic_cache: lowerCache(doc),
    ...(g.integrations?.tools === undefined ? {} : { tools: lowerTools(g.integrations.tools) }),
    ...(g.services?.api === undefined ? {} : { api: g.services.api }),
    ...(g.services?.observability?.tracing === undefined
      ? {}
      : { observability: { tracing: g.services.observability.tracing } }),
    auto_model_name: autoName,
    include_config_models_in_list: router.include_config_models_in_list ?? false,
    clear_route_cache: router.clear_route_cache ?? true,
    server: doc.server,
    upstream: doc.upstream,
    extproc: doc.extproc,
    pipeline: doc.pipeline,
    inference: doc.inference,
    security: doc.security,
    state_store: doc.state_store,
  }

  const authz = g.services?.authz
  const v03: V03Routing = {
    routing: doc.routing,
    entrypoints: doc.entrypoints,
    recipes: doc.recipes,
    strategy: doc.routing.strategy ?? router.strategy ?? 'priority',
    autoModelNames: router.auto_model_names ?? [...DEFAULT_AUTO_ALIASES, autoName],
    authz: {
      failOpen: authz?.fail_open ?? false,
      userIdHeader: (authz?.identity.user_id_header ?? 'x-authz-user-id').toLowerCase(),
      userGroupsHeader: (authz?.identity.user_groups_header ?? 'x-authz-user-groups').toLowerCase(),
    },
    embeddingTopK: semantic?.embedding_config?.top_k ?? 1,
    endpointModelIds: endpointModelIds(doc),
  }
  return { classic, v03 }
}

function lowerProviders(doc: V03Document): {
  endpoints: Record<string, unknown>[]
  modelConfig: Record<string, Record<string, unknown>>
} {
  const endpoints: Record<string, unknown>[] = []
  const modelConfig: Record<string, Record<string, unknown>> = {}
  const cards = new Map(doc.routing.modelCards.map((c) => [c.name, c]))
  for (const model of doc.providers.models) {
    const preferred: string[] = []
    model.backend_refs.forEach((ref, i) => {
      const ep = lowerBackendRef(model.name, ref, i)
      if (!ep) return
      preferred.push(ep.name)
      endpoints.push({
        name: ep.name,
        address: ep.address,
        port: ep.port,
        weight: ep.weight,
        ...(ref.priority === undefined ? {} : { priority: ref.priority }),
        protocol: ep.protocol,
        ...(ref.api_key_env === undefined ? {} : { api_key_env: ref.api_key_env }),
      })
    })
    modelConfig[model.name] = {
      preferred_endpoints: preferred,
      ...(model.reasoning_family === undefined ? {} : { reasoning_family: model.reasoning_family }),
      ...(model.pricing === undefined
        ? {}
        : {
            pricing: {
              currency: model.pricing.currency,
              prompt_per_1m: model.pricing.prompt_per_1m,
              completion_per_1m: model.pricing.completion_per_1m,
            },
          }),
      loras: cards.get(model.name)?.loras ?? [],
    }
  }
  // Cards without a provider entry still name models (and their LoRAs) decisions may use.
  for (const card of doc.routing.modelCards)
    modelConfig[card.name] ??= { preferred_endpoints: [], loras: card.loras }
  return { endpoints, modelConfig }
}

/**
 * The model id each endpoint is sent (upstream's `resolveModelNameForBackend`): the model's
 * `external_model_ids` entry for the ref's backend type (`type`, else `provider`, else `vllm`),
 * else its `provider_model_id`; endpoints whose id is the logical name are left out.
 */
function endpointModelIds(doc: V03Document): Record<string, string> {
  const ids: Record<string, string> = {}
  for (const model of doc.providers.models)
    model.backend_refs.forEach((ref, i) => {
      const kind = ref.type ?? ref.provider ?? 'vllm'
      const id = model.external_model_ids?.[kind] ?? model.provider_model_id
      const ep = lowerBackendRef(model.name, ref, i)
      if (ep && id !== undefined && id !== model.name) ids[ep.name] = id
    })
  return ids
}

/** The store's settings; whether a request uses the cache is each decision's response_cache. */
function lowerCache(doc: V03Document): Record<string, unknown> {
  // Upstream's store is on by default (memory); it is only built here when a decision caches.
  const used = profilesOf(doc).some((p) =>
    p.routing.decisions.some((d) =>
      d.plugins.some((x) => x.type === 'response_cache' && x.configuration['enabled'] !== false),
    ),
  )
  const store =
    doc.global.stores?.response_cache ??
    doc.global.stores?.semantic_cache ??
    responseCacheStoreSchema.parse({})
  const backend = store.backend_type === '' ? 'memory' : store.backend_type
  const usable = !UPSTREAM_ONLY_CACHE_BACKENDS.has(backend)
  return {
    enabled: store.enabled && usable && used,
    backend_type: usable ? backend : 'memory',
    ...(store.similarity_threshold === undefined
      ? {}
      : { similarity_threshold: store.similarity_threshold }),
    max_entries: store.max_entries,
    ttl_seconds: store.ttl_seconds,
    eviction_policy: store.eviction_policy,
    // This router's own options (verification, backends, timeouts) ride in the same block.
    ...Object.fromEntries(OWN_CACHE_KEYS.flatMap((k) => (k in store ? [[k, store[k]]] : []))),
  }
}

function lowerTools(
  tools: NonNullable<NonNullable<V03Document['global']['integrations']>['tools']>,
) {
  return {
    enabled: tools.enabled,
    top_k: tools.top_k,
    ...(tools.similarity_threshold === undefined
      ? {}
      : { similarity_threshold: tools.similarity_threshold }),
    tools_db_path: tools.tools_db_path,
    fallback_to_empty: tools.fallback_to_empty,
  }
}

/** Only a path the file names explicitly; upstream's defaults name models this router lacks. */
function embeddingModelPath(
  semantic: NonNullable<
    NonNullable<V03Document['global']['model_catalog']>['embeddings']
  >['semantic'],
): string {
  if (!semantic) return ''
  const type = semantic.embedding_config?.model_type ?? 'mmbert'
  const byType: Record<string, string | undefined> = {
    mmbert: semantic.mmbert_model_path,
    qwen3: semantic.qwen3_model_path,
    gemma: semantic.gemma_model_path,
    multimodal: semantic.multimodal_model_path,
    bert: semantic.bert_model_path,
  }
  return byType[type] ?? ''
}
