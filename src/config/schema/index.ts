/**
 * The router configuration: upstream's "classic" config.yaml schema (vLLM Semantic Router, up to
 * Nov 2025) plus this project's own sections (`server`, `upstream`, `extproc`, `pipeline`, `inference`, `console`).
 *
 * Objects are strict so that unknown keys surface; the loader turns unknown keys into warnings and
 * everything else into errors. Keys stay snake_case to match the YAML users already have.
 */
import { z } from 'zod'
import { reasoningEffort } from './common.js'
import { semanticCacheSchema } from './cache.js'
import { modelParamsSchema, vllmEndpointSchema } from './endpoints.js'
import { apiSchema, observabilitySchema, rustRouterBlockSchema, toolsSchema } from './misc.js'
import {
  bertModelSchema,
  classifierSchema,
  embeddingModelsSchema,
  promptGuardSchema,
} from './models.js'
import {
  categorySchema,
  embeddingRuleSchema,
  keywordRuleSchema,
  reasoningFamilySchema,
} from './routing.js'
import { consoleSchema } from './console.js'
import { inferenceSchema } from './inference.js'
import type { EntrypointConfig, RecipeConfig, RoutingConfig } from './v03/index.js'
import { extprocSchema, pipelineSchema, serverSchema, upstreamSchema } from './server.js'
import { securitySchema, stateStoreSchema } from './security.js'
import { resilienceSchema } from './resilience.js'

export const routerConfigSchema = z.strictObject({
  bert_model: bertModelSchema.prefault({}),
  semantic_cache: semanticCacheSchema.prefault({}),
  tools: toolsSchema.prefault({}),
  prompt_guard: promptGuardSchema.prefault({}),
  vllm_endpoints: z.array(vllmEndpointSchema).default([]),
  model_config: z.record(z.string(), modelParamsSchema).default({}),
  classifier: classifierSchema.prefault({}),
  categories: z.array(categorySchema).default([]),
  keyword_rules: z.array(keywordRuleSchema).default([]),
  embedding_rules: z.array(embeddingRuleSchema).default([]),
  default_model: z.string().default(''),
  reasoning_families: z.record(z.string(), reasoningFamilySchema).default({}),
  default_reasoning_effort: reasoningEffort.optional(),
  embedding_models: embeddingModelsSchema.optional(),
  api: apiSchema.optional(),
  observability: observabilitySchema.optional(),
  auto_model_name: z.string().min(1).default('MoM'),
  include_config_models_in_list: z.boolean().default(false),
  clear_route_cache: z.boolean().default(false),
  router: rustRouterBlockSchema.optional(),

  // This project's sections.
  server: serverSchema.prefault({}),
  upstream: upstreamSchema.prefault({}),
  extproc: extprocSchema.prefault({}),
  pipeline: pipelineSchema.prefault({}),
  inference: inferenceSchema.prefault({}),
  security: securitySchema.prefault({}),
  state_store: stateStoreSchema.prefault({}),
  resilience: resilienceSchema.prefault({}),
  console: consoleSchema.prefault({}),
})

/**
 * What a v0.3 document adds to the internal configuration: its routing, carried as written (after
 * validation) for the decision model (src/decisions), with the `global` settings routing reads.
 */
export interface V03Routing {
  readonly routing: RoutingConfig
  readonly entrypoints: readonly EntrypointConfig[]
  readonly recipes: readonly RecipeConfig[]
  /** routing.strategy, else global.router.strategy, else priority. */
  readonly strategy: 'priority' | 'confidence'
  /** Model names that ask for routing (global.router.auto_model_names or upstream's defaults). */
  readonly autoModelNames: readonly string[]
  /** global.services.authz: identity headers (lower-case) for role_bindings. */
  readonly authz: {
    readonly failOpen: boolean
    readonly userIdHeader: string
    readonly userGroupsHeader: string
  }
  /** How many embedding rules may match (0: every one above its threshold). */
  readonly embeddingTopK: number
  /**
   * Endpoint name → the id that server knows the model by (external_model_ids / provider_model_id):
   * the request body's `model` is rewritten to it; headers keep the logical name.
   */
  readonly endpointModelIds: Readonly<Record<string, string>>
}

/** A validated, defaulted, frozen configuration. `v03` is set when the file was a v0.3 document. */
export type RouterConfig = z.infer<typeof routerConfigSchema> & { readonly v03?: V03Routing }
export type CategoryConfig = RouterConfig['categories'][number]
export type ModelScoreConfig = CategoryConfig['model_scores'][number]
export type KeywordRuleConfig = RouterConfig['keyword_rules'][number]
export type EmbeddingRuleConfig = RouterConfig['embedding_rules'][number]
export type ReasoningFamilyConfig = RouterConfig['reasoning_families'][string]
export type ModelParamsConfig = RouterConfig['model_config'][string]
export type VllmEndpointConfig = RouterConfig['vllm_endpoints'][number]
export type SemanticCacheConfig = RouterConfig['semantic_cache']
export type ServerConfig = RouterConfig['server']
export type UpstreamConfig = RouterConfig['upstream']
export type ExtprocConfig = RouterConfig['extproc']
export type PipelineConfig = RouterConfig['pipeline']
export type { SecurityConfig, StateStoreConfig } from './security.js'
export type { ResilienceConfig } from './resilience.js'
