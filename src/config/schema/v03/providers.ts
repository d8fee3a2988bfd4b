/** `providers` (backend bindings, pricing, reasoning families) and `routing.modelCards`. */
import { z } from 'zod'
import { unitInterval } from '../common.js'

export const reasoningFamilyV03Schema = z.strictObject({
  type: z.enum(['chat_template_kwargs', 'reasoning_effort', 'top_level_reasoning_effort']),
  parameter: z.string().min(1),
})

export const providerDefaultsSchema = z.strictObject({
  default_model: z.string().default(''),
  default_reasoning_effort: z.string().min(1).optional(),
  reasoning_families: z.record(z.string(), reasoningFamilyV03Schema).default({}),
})

export const backendRefSchema = z.strictObject({
  name: z.string().min(1).optional(),
  /** `host:port`, `scheme://host:port[/path]` or a bare IPv6 address. */
  endpoint: z.string().min(1).optional(),
  /** A remote provider's base URL (`https://api.example.com/v1`). */
  base_url: z.url({ protocol: /^https?$/ }).optional(),
  protocol: z.enum(['http', 'https']).optional(),
  weight: z.number().int().min(0).default(1),
  /**
   * Ours (upstream has no standby backends): the priority level of the endpoint this ref becomes,
   * as `vllm_endpoints[].priority` — 0 is primary, a higher level takes traffic only while every
   * lower level is unavailable.
   */
  priority: z.number().int().min(0).max(127).optional(),
  type: z.string().optional(),
  provider: z.string().optional(),
  auth_header: z.string().optional(),
  auth_prefix: z.string().optional(),
  extra_headers: z.record(z.string(), z.string()).optional(),
  api_version: z.string().optional(),
  chat_path: z.string().optional(),
  /** A literal key in the file (api_key_env is the safer form; api_key wins when both are set). */
  api_key: z.string().optional(),
  api_key_env: z.string().min(1).optional(),
})

export const pricingV03Schema = z.strictObject({
  currency: z.string().default('USD'),
  prompt_per_1m: z.number().min(0).default(0),
  cached_input_per_1m: z.number().min(0).optional(),
  cache_write_per_1m: z.number().min(0).optional(),
  completion_per_1m: z.number().min(0).default(0),
})

const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'a duration such as 30s')

/** Read by upstream's Envoy generator, not its router; validated here and reported unused. */
export const reliabilitySchema = z.strictObject({
  lb_policy: z.enum(['round_robin', 'least_request']).optional(),
  retry_count: z.number().int().min(0).max(5).optional(),
  retry_on: z.string().optional(),
  consecutive_5xx: z.number().int().min(0).optional(),
  base_ejection_time: goDuration.optional(),
  max_ejection_percent: z.number().min(0).max(100).optional(),
  health_check_path: z.string().startsWith('/').optional(),
  health_check_interval: goDuration.optional(),
  health_check_timeout: goDuration.optional(),
})

export const providerModelSchema = z.strictObject({
  name: z.string().min(1),
  reasoning_family: z.string().optional(),
  /** The id the upstream server knows the model by (the request body's `model` is rewritten). */
  provider_model_id: z.string().min(1).optional(),
  api_format: z.enum(['openai', 'anthropic']).optional(),
  external_model_ids: z.record(z.string(), z.string()).optional(),
  pricing: pricingV03Schema.optional(),
  reliability: reliabilitySchema.optional(),
  backend_refs: z.array(backendRefSchema).default([]),
})

export const providersSchema = z.strictObject({
  defaults: providerDefaultsSchema.prefault({}),
  models: z.array(providerModelSchema).default([]),
})

export const modelCardSchema = z.strictObject({
  name: z.string().min(1),
  param_size: z.union([z.string(), z.number()]).optional(),
  context_window_size: z.number().int().positive().optional(),
  description: z.string().optional(),
  capabilities: z.array(z.string()).default([]),
  loras: z
    .array(z.strictObject({ name: z.string().min(1), description: z.string().default('') }))
    .default([]),
  quality_score: unitInterval.optional(),
  modality: z.enum(['ar', 'diffusion', 'omni']).optional(),
  tags: z.array(z.string()).default([]),
})

export type ProvidersConfig = z.output<typeof providersSchema>
export type ProviderModelConfig = z.output<typeof providerModelSchema>
export type BackendRefConfig = z.output<typeof backendRefSchema>
export type ModelCardConfig = z.output<typeof modelCardSchema>
