/**
 * `global`: router-wide settings, merged over built-in defaults (a partial block is normal). The
 * parts this router uses are typed; the rest is accepted as written and reported by the loader
 * when it switches on a feature this router does not have.
 */
import { z } from 'zod'
import { nonNegativeInt, onErrorPolicy, operatorMessages, unitInterval } from '../common.js'
import { apiSchema, observabilitySchema } from '../misc.js'

const block = z.record(z.string(), z.unknown())

export const globalRouterSchema = z.strictObject({
  config_source: z.enum(['file', 'kubernetes']).optional(),
  strategy: z.enum(['priority', 'confidence']).optional(),
  auto_model_name: z.string().min(1).optional(),
  auto_model_names: z.array(z.string().min(1)).optional(),
  include_config_models_in_list: z.boolean().optional(),
  clear_route_cache: z.boolean().optional(),
  streamed_body: block.optional(),
  skip_processing: block.optional(),
  model_selection: block.optional(),
  learning: block.optional(),
})

export const authzServiceSchema = z.strictObject({
  fail_open: z.boolean().default(false),
  identity: z
    .strictObject({
      user_id_header: z.string().min(1).default('x-authz-user-id'),
      user_groups_header: z.string().min(1).default('x-authz-user-groups'),
    })
    .prefault({}),
  providers: z.array(block).optional(),
})

const observabilityV03Schema = z.strictObject({
  tracing: observabilitySchema.shape.tracing,
  metrics: block.optional(),
})

export const globalServicesSchema = z.strictObject({
  api: apiSchema.optional(),
  response_api: block.optional(),
  observability: observabilityV03Schema.optional(),
  authz: authzServiceSchema.optional(),
  ratelimit: block.optional(),
  management_api: block.optional(),
  router_replay: block.optional(),
  startup_status: block.optional(),
})

export const responseCacheStoreSchema = z.looseObject({
  enabled: z.boolean().default(true),
  backend_type: z.string().default('memory'),
  similarity_threshold: unitInterval.optional(),
  max_entries: nonNegativeInt.default(1000),
  ttl_seconds: nonNegativeInt.default(3600),
  eviction_policy: z.enum(['', 'fifo', 'lru', 'lfu']).default('fifo'),
  embedding_model: z.string().optional(),
})

export const globalStoresSchema = z.strictObject({
  response_cache: responseCacheStoreSchema.optional(),
  /** The old name of response_cache. */
  semantic_cache: responseCacheStoreSchema.optional(),
  memory: block.optional(),
  vector_store: block.optional(),
})

export const globalIntegrationsSchema = z.strictObject({
  tools: z
    .looseObject({
      enabled: z.boolean().default(false),
      top_k: z.number().int().default(3),
      similarity_threshold: unitInterval.optional(),
      tools_db_path: z.string().default(''),
      fallback_to_empty: z.boolean().default(true),
    })
    .optional(),
  looper: block.optional(),
})

/** One model module (`modules.prompt_guard`, `modules.classifier.domain`, ...). */
const modelModule = z.looseObject({
  enabled: z.boolean().optional(),
  model_ref: z.string().optional(),
  model_id: z.string().optional(),
  threshold: unitInterval.optional(),
  use_cpu: z.boolean().optional(),
  on_error: onErrorPolicy.optional(),
})

export const modelCatalogSchema = z.strictObject({
  embeddings: z
    .strictObject({
      semantic: z
        .looseObject({
          mmbert_model_path: z.string().optional(),
          qwen3_model_path: z.string().optional(),
          gemma_model_path: z.string().optional(),
          multimodal_model_path: z.string().optional(),
          bert_model_path: z.string().optional(),
          use_cpu: z.boolean().optional(),
          embedding_config: z
            .looseObject({
              model_type: z.string().optional(),
              top_k: nonNegativeInt.optional(),
              min_score_threshold: unitInterval.optional(),
            })
            .optional(),
          endpoint: block.optional(),
        })
        .optional(),
    })
    .optional(),
  system: z.record(z.string(), z.string()).optional(),
  external: z.array(block).optional(),
  kbs: z.array(block).optional(),
  modules: z
    .looseObject({
      prompt_guard: modelModule
        .extend({ operator_messages: operatorMessages.optional() })
        .optional(),
      classifier: z
        .looseObject({
          domain: modelModule.optional(),
          pii: modelModule.optional(),
          mcp: block.optional(),
          preference: block.optional(),
        })
        .optional(),
    })
    .optional(),
})

export const globalSchema = z.strictObject({
  router: globalRouterSchema.optional(),
  services: globalServicesSchema.optional(),
  stores: globalStoresSchema.optional(),
  integrations: globalIntegrationsSchema.optional(),
  model_catalog: modelCatalogSchema.optional(),
})

export type GlobalConfig = z.output<typeof globalSchema>
