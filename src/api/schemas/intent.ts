/** Body of /api/v1/classify/intent. */
import { z } from 'zod'
import { ACCEPTED_FOR_ROUTING, ms, text, threshold, TOP_CATEGORY } from './common.js'

export const INTENT_REQUEST = z.object({
  text,
  options: z
    .object({
      return_probabilities: z.boolean().nullish(),
      confidence_threshold: threshold.nullish().meta({
        description: 'Split between specialised and general routing; default 0.7',
      }),
      include_explanation: z
        .boolean()
        .nullish()
        .meta({ description: 'Accepted for compatibility' }),
    })
    .nullish(),
})

export const INTENT_RESULT = z.object({
  classification: z.object({
    category: z.string(),
    confidence: z.number(),
    processing_time_ms: ms,
    source: z.string().nullable().meta({ description: 'Which classifier decided' }),
    top_category: TOP_CATEGORY,
    accepted_for_routing: ACCEPTED_FOR_ROUTING,
  }),
  probabilities: z.record(z.string(), z.number()).optional(),
  recommended_model: z.string(),
  routing_decision: z.enum(['high_confidence_specialized', 'low_confidence_general']),
})
