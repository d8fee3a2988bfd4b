/**
 * The router configuration: upstream's "classic" config.yaml schema (vLLM Semantic Router, up to
 * Nov 2025) plus this project's own sections (`server`, `upstream`, `extproc`, `pipeline`).
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
import { inferenceSchema } from './inference.js'
import { extprocSchema, pipelineSchema, serverSchema, upstreamSchema } from './server.js'

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
})

/** A validated, defaulted, frozen configuration. */
export type RouterConfig = z.infer<typeof routerConfigSchema>
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
