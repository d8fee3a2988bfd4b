/** Model-bearing sections: bert_model, classifier, prompt_guard, embedding_models. */
import { z } from 'zod'
import { onErrorPolicy, operatorMessages, unitInterval } from './common.js'

export const bertModelSchema = z.strictObject({
  model_id: z.string().default(''),
  /**
   * Default similarity threshold for the cache (and tools). 0.45 is where the embedded sentence
   * embedding and the learned verifier were tuned together (training/cache-verifier); upstream's
   * all-MiniLM-L12-v2 configs set 0.8.
   */
  threshold: unitInterval.default(0.45),
  use_cpu: z.boolean().default(true),
})

export const categoryModelSchema = z.strictObject({
  model_id: z.string().default(''),
  threshold: unitInterval.default(0.6),
  use_cpu: z.boolean().default(true),
  use_modernbert: z.boolean().default(false),
  category_mapping_path: z.string().default(''),
  /** Ours: fail-open or fail-closed when the model cannot classify. */
  on_error: onErrorPolicy.default('allow'),
})

export const mcpCategoryModelSchema = z.strictObject({
  enabled: z.boolean().default(false),
  transport_type: z.enum(['http', 'stdio']).default('http'),
  command: z.string().optional(),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  url: z.string().optional(),
  tool_name: z.string().optional(),
  threshold: unitInterval.default(0.6),
  timeout_seconds: z.number().positive().default(30),
})

export const piiModelSchema = z.strictObject({
  model_id: z.string().default(''),
  threshold: unitInterval.default(0.7),
  use_cpu: z.boolean().default(true),
  /** Present in upstream YAML although upstream's Go struct has no such field. */
  use_modernbert: z.boolean().optional(),
  pii_mapping_path: z.string().default(''),
  on_error: onErrorPolicy.default('allow'),
})

export const classifierSchema = z.strictObject({
  category_model: categoryModelSchema.prefault({}),
  mcp_category_model: mcpCategoryModelSchema.optional(),
  pii_model: piiModelSchema.prefault({}),
})

export const promptGuardSchema = z.strictObject({
  enabled: z.boolean().default(false),
  model_id: z.string().default(''),
  threshold: unitInterval.default(0.7),
  use_cpu: z.boolean().default(true),
  use_modernbert: z.boolean().default(false),
  jailbreak_mapping_path: z.string().default(''),
  on_error: onErrorPolicy.default('allow'),
  /**
   * How system and developer messages are scanned: `full` — the whole detector chain, as any
   * message (upstream's behaviour); `rules` — the rule detector only (src/guards/jailbreak/roles.ts).
   */
  operator_messages: operatorMessages.default('full'),
})

export const embeddingModelsSchema = z.strictObject({
  qwen3_model_path: z.string().default(''),
  gemma_model_path: z.string().default(''),
  use_cpu: z.boolean().default(true),
})
