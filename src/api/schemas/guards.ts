/**
 * Bodies of the guard endpoints (/api/v1/classify/pii, /security, /combined) and the intent part
 * they share with /classify/intent and /batch.
 */
import { z } from 'zod'
import {
  ACCEPTED_FOR_ROUTING,
  ms,
  names,
  recommendation,
  text,
  threshold,
  TOP_CATEGORY,
} from './common.js'

export const PII_OPTIONS = z.object({
  entity_types: names.nullish().meta({ description: 'Report only these types' }),
  confidence_threshold: threshold
    .nullish()
    .meta({ description: 'Default classifier.pii_model.threshold' }),
  return_positions: z.boolean().nullish().meta({ description: 'Default true' }),
  mask_entities: z.boolean().nullish().meta({ description: 'Default false' }),
})

export const SENSITIVITY_LEVELS = { low: 0.9, medium: 0.7, high: 0.5 } as const

export const SECURITY_OPTIONS = z.object({
  detection_types: names.nullish().meta({ description: 'Report only these attack families' }),
  sensitivity: z
    .union([z.enum(['low', 'medium', 'high']), threshold], {
      error: 'must be "low", "medium", "high" or a threshold in [0, 1]',
    })
    .nullish()
    .meta({
      description:
        'low/medium/high = threshold 0.9/0.7/0.5, or the threshold itself; default prompt_guard.threshold',
    }),
  include_reasoning: z.boolean().nullish().meta({ description: 'Default false' }),
})

/** Options of the endpoints that run everything (/combined, /batch). */
export const ALL_OPTIONS = PII_OPTIONS.extend(SECURITY_OPTIONS.shape).extend({
  return_probabilities: z.boolean().nullish(),
})

export const PII_REQUEST = z.object({ text, options: PII_OPTIONS.nullish() })
export const SECURITY_REQUEST = z.object({ text, options: SECURITY_OPTIONS.nullish() })
export const COMBINED_REQUEST = z.object({
  text,
  options: ALL_OPTIONS.nullish().meta({
    description: 'Any option of /classify/intent, /classify/pii and /classify/security',
  }),
})

export const PII_ENTITY = z.object({
  type: z.string().meta({ description: 'Presidio type name, e.g. EMAIL_ADDRESS' }),
  value: z.string(),
  confidence: z.number(),
  start_position: z.int().optional().meta({ description: 'Code point offset' }),
  end_position: z.int().optional().meta({ description: 'Code point offset, exclusive' }),
  masked_value: z.string().optional(),
  source: z.string().meta({ description: 'Recognizer or model that found it' }),
})

export const PII_RESULT = z.object({
  has_pii: z.boolean(),
  entities: z.array(PII_ENTITY),
  masked_text: z.string().optional(),
  security_recommendation: recommendation,
  detector: z.string(),
  processing_time_ms: ms,
})

export const SECURITY_RESULT = z.object({
  is_jailbreak: z.boolean(),
  risk_score: z.number().meta({ description: 'Attack probability 0–1' }),
  detection_types: z.array(z.string()).meta({ description: 'Attack families' }),
  confidence: z.number(),
  label: z.string(),
  recommendation,
  reasoning: z.string().optional(),
  patterns_detected: z
    .array(z.string())
    .meta({ description: 'Rule ids (@view when not canonical)' }),
  threshold: z.number(),
  detector: z.string(),
  processing_time_ms: ms,
})

/** The intent part of /combined. */
export const INTENT_SUMMARY = z.object({
  category: z.string(),
  confidence: z.number(),
  source: z.string().nullable(),
  top_category: TOP_CATEGORY,
  accepted_for_routing: ACCEPTED_FOR_ROUTING,
  recommended_model: z.string(),
  probabilities: z.record(z.string(), z.number()).optional(),
})

export const COMBINED_RESULT = z.object({
  intent: INTENT_SUMMARY,
  pii: PII_RESULT.extend({ denied_by_policy: z.array(z.string()) }),
  security: SECURITY_RESULT,
  recommendation,
  processing_time_ms: ms,
})
