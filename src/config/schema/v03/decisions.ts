/** `routing.decisions[]`: rules over signals, candidate models, algorithm, plugins. */
import { z } from 'zod'
import { algorithmSchema } from './algorithms.js'
import { pluginEntrySchema } from './plugins.js'
import { ruleNodeSchema } from './rules.js'

export const modelRefSchema = z.strictObject({
  model: z.string().min(1),
  /** Upstream's canonical loader reads a missing value as false. */
  use_reasoning: z.boolean().default(false),
  /** low | medium | high; other strings are passed through as upstream does. */
  reasoning_effort: z.string().min(1).optional(),
  reasoning_description: z.string().optional(),
  /** LoRA adapter of the model, sent upstream as the model name. */
  lora_name: z.string().min(1).optional(),
  /** Used by weighting algorithms (and as the static score when no model_scores apply). */
  weight: z.number().min(0).optional(),
})

export const decisionSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Higher wins. Upstream's Go router defaults it to 0. */
  priority: z.number().int().default(0),
  /** With tiering active, lower tiers win first; unset (0) is the best tier. */
  tier: z.number().int().min(0).default(0),
  /** Omitted: matches every request with confidence 0. */
  rules: ruleNodeSchema.optional(),
  modelRefs: z.array(modelRefSchema).default([]),
  algorithm: algorithmSchema.optional(),
  plugins: z.array(pluginEntrySchema).default([]),
  /** Free-form metadata (at most 32 keys), carried and logged, never interpreted. */
  annotations: z
    .record(z.string(), z.unknown())
    .refine((a) => Object.keys(a).length <= 32, { message: 'at most 32 annotations' })
    .optional(),
  // Accepted for upstream files; the loader reports them as not supported.
  adaptations: z.record(z.string(), z.unknown()).optional(),
  emits: z.array(z.unknown()).optional(),
  output_contract: z.string().optional(),
  output_contract_spec: z.record(z.string(), z.unknown()).optional(),
  candidateIterations: z.array(z.unknown()).optional(),
})

export type DecisionConfig = z.output<typeof decisionSchema>
export type ModelRefConfig = z.output<typeof modelRefSchema>
