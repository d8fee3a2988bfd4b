/** categories, keyword_rules, embedding_rules, reasoning_families. */
import { z } from 'zod'
import { reasoningEffort, unitInterval } from './common.js'

export const modelScoreSchema = z.strictObject({
  model: z.string().min(1),
  score: z.number().gt(0),
  /** Required upstream; we default to false with a warning so older files still load. */
  use_reasoning: z.boolean().optional(),
  reasoning_effort: reasoningEffort.optional(),
  reasoning_description: z.string().optional(),
  lora_name: z.string().optional(),
})

export const categorySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  mmlu_categories: z.array(z.string()).default([]),
  system_prompt: z.string().default(''),
  system_prompt_enabled: z.boolean().optional(),
  system_prompt_mode: z.enum(['replace', 'insert']).default('replace'),
  semantic_cache_enabled: z.boolean().optional(),
  semantic_cache_similarity_threshold: unitInterval.optional(),
  jailbreak_enabled: z.boolean().optional(),
  jailbreak_threshold: unitInterval.optional(),
  pii_enabled: z.boolean().optional(),
  pii_threshold: unitInterval.optional(),
  model_scores: z
    .array(modelScoreSchema)
    .min(1, 'every category needs at least one model_scores entry'),
  /** Sep-2025 era: these sat on the category itself. Accepted and used as fallbacks. */
  use_reasoning: z.boolean().optional(),
  reasoning_effort: reasoningEffort.optional(),
  reasoning_description: z.string().optional(),
})

export const keywordRuleSchema = z.strictObject({
  category: z.string().min(1),
  operator: z.enum(['AND', 'OR', 'NOR']),
  keywords: z.array(z.string()).min(1),
  case_sensitive: z.boolean().default(false),
})

export const embeddingRuleSchema = z.strictObject({
  category: z.string().min(1),
  threshold: unitInterval,
  keywords: z.array(z.string()).min(1),
  /** Upstream's example files say `avg`, which upstream rejects at run time; we read it as `mean`. */
  aggregation_method: z.enum(['mean', 'max', 'any', 'avg']).default('max'),
  model: z.enum(['auto', 'qwen3', 'gemma', 'bert']).default('auto'),
  dimension: z.number().int().positive().default(768),
  quality_priority: unitInterval.optional(),
  latency_priority: unitInterval.optional(),
  qualitypriority: unitInterval.optional(),
  latencypriority: unitInterval.optional(),
})

export const reasoningFamilySchema = z.strictObject({
  type: z.enum(['chat_template_kwargs', 'reasoning_effort']),
  parameter: z.string().min(1),
})
