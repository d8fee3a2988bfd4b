/** Body of /api/v1/classify/batch. */
import { z } from 'zod'
import { ALL_OPTIONS, PII_ENTITY } from './guards.js'
import { ACCEPTED_FOR_ROUTING, ms, text, TOP_CATEGORY } from './common.js'

export const BATCH_TASKS = ['intent', 'pii', 'security', 'all'] as const

export const BATCH_REQUEST = z.object({
  texts: z
    .array(text, { error: (i) => (i.input === null ? 'is required' : undefined) })
    .min(1, { error: 'must not be empty' })
    .meta({ description: 'At most api.batch_classification.max_batch_size (default 100)' }),
  task_type: z.enum(BATCH_TASKS).nullish(),
  options: ALL_OPTIONS.nullish().meta({ description: 'As for the single-text endpoints' }),
})

const result = z.object({
  category: z.string(),
  confidence: z.number(),
  processing_time_ms: ms,
})

/** One result: the task's fields (intent probabilities, pii entities, security verdict). */
const BATCH_RESULT_ITEM = result.extend({
  probabilities: z.record(z.string(), z.number()).optional(),
  top_category: TOP_CATEGORY.optional().meta({ description: 'intent and all' }),
  accepted_for_routing: ACCEPTED_FOR_ROUTING.optional(),
  has_pii: z.boolean().optional(),
  entities: z.array(PII_ENTITY).optional(),
  is_jailbreak: z.boolean().optional(),
  risk_score: z.number().optional(),
  pii: result
    .extend({ has_pii: z.boolean(), entities: z.array(PII_ENTITY) })
    .optional()
    .meta({ description: 'task_type all' }),
  security: result
    .extend({ is_jailbreak: z.boolean(), risk_score: z.number() })
    .optional()
    .meta({ description: 'task_type all' }),
})

export const BATCH_RESULT = z.object({
  results: z.array(BATCH_RESULT_ITEM),
  total_count: z.int(),
  task_type: z.enum(BATCH_TASKS),
  processing_time_ms: ms,
  statistics: z.object({
    category_distribution: z.record(z.string(), z.int()),
    avg_confidence: z.number(),
    low_confidence_count: z.int().meta({ description: 'Results with confidence < 0.7' }),
  }),
})
