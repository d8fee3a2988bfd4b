/** JSON Schemas of the guard endpoints' bodies, for /openapi.json (src/api/openapi.ts). */
import type { JsonSchema } from '../types.js'

const text = { type: 'string', minLength: 1, maxLength: 1_000_000 }
const ms = { type: 'number', description: 'Milliseconds spent' }

export const PII_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    entity_types: {
      type: 'array',
      items: { type: 'string' },
      description: 'Report only these types',
    },
    confidence_threshold: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Default classifier.pii_model.threshold',
    },
    return_positions: { type: 'boolean', default: true },
    mask_entities: { type: 'boolean', default: false },
  },
}

export const SECURITY_OPTIONS: JsonSchema = {
  type: 'object',
  properties: {
    detection_types: {
      type: 'array',
      items: { type: 'string' },
      description: 'Report only these attack families',
    },
    sensitivity: {
      oneOf: [{ enum: ['low', 'medium', 'high'] }, { type: 'number', minimum: 0, maximum: 1 }],
      description:
        'low/medium/high = threshold 0.9/0.7/0.5, or the threshold itself; default prompt_guard.threshold',
    },
    include_reasoning: { type: 'boolean', default: false },
  },
}

export const PII_RESULT: JsonSchema = {
  type: 'object',
  required: ['has_pii', 'entities', 'security_recommendation', 'processing_time_ms'],
  properties: {
    has_pii: { type: 'boolean' },
    entities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'value', 'confidence'],
        properties: {
          type: { type: 'string', description: 'Presidio type name, e.g. EMAIL_ADDRESS' },
          value: { type: 'string' },
          confidence: { type: 'number' },
          start_position: { type: 'integer', description: 'Code point offset' },
          end_position: { type: 'integer', description: 'Code point offset, exclusive' },
          masked_value: { type: 'string' },
          source: { type: 'string', description: 'Recognizer or model that found it' },
        },
      },
    },
    masked_text: { type: 'string' },
    security_recommendation: { enum: ['block', 'allow'] },
    detector: { type: 'string' },
    processing_time_ms: ms,
  },
}

export const SECURITY_RESULT: JsonSchema = {
  type: 'object',
  required: [
    'is_jailbreak',
    'risk_score',
    'detection_types',
    'confidence',
    'recommendation',
    'patterns_detected',
  ],
  properties: {
    is_jailbreak: { type: 'boolean' },
    risk_score: { type: 'number', description: 'Attack probability 0–1' },
    detection_types: { type: 'array', items: { type: 'string' }, description: 'Attack families' },
    confidence: { type: 'number' },
    label: { type: 'string' },
    recommendation: { enum: ['block', 'allow'] },
    reasoning: { type: 'string' },
    patterns_detected: {
      type: 'array',
      items: { type: 'string' },
      description: 'Rule ids (@view when not canonical)',
    },
    threshold: { type: 'number' },
    detector: { type: 'string' },
    processing_time_ms: ms,
  },
}

export const PII_REQUEST: JsonSchema = {
  type: 'object',
  required: ['text'],
  properties: { text, options: PII_OPTIONS },
}

export const SECURITY_REQUEST: JsonSchema = {
  type: 'object',
  required: ['text'],
  properties: { text, options: SECURITY_OPTIONS },
}

export const COMBINED_REQUEST: JsonSchema = {
  type: 'object',
  required: ['text'],
  properties: {
    text,
    options: {
      description: 'Any option of /classify/intent, /classify/pii and /classify/security',
      allOf: [
        PII_OPTIONS,
        SECURITY_OPTIONS,
        { type: 'object', properties: { return_probabilities: { type: 'boolean' } } },
      ],
    },
  },
}

export const COMBINED_RESULT: JsonSchema = {
  type: 'object',
  required: ['intent', 'pii', 'security', 'recommendation', 'processing_time_ms'],
  properties: {
    intent: {
      type: 'object',
      properties: {
        category: { type: 'string' },
        confidence: { type: 'number' },
        source: { type: ['string', 'null'] },
        recommended_model: { type: 'string' },
        probabilities: { type: 'object', additionalProperties: { type: 'number' } },
      },
    },
    pii: {
      allOf: [
        PII_RESULT,
        {
          type: 'object',
          properties: { denied_by_policy: { type: 'array', items: { type: 'string' } } },
        },
      ],
    },
    security: SECURITY_RESULT,
    recommendation: { enum: ['block', 'allow'] },
    processing_time_ms: ms,
  },
}

export const BATCH_REQUEST: JsonSchema = {
  type: 'object',
  required: ['texts'],
  properties: {
    texts: {
      type: 'array',
      minItems: 1,
      items: text,
      description: 'At most api.batch_classification.max_batch_size (default 100)',
    },
    task_type: { enum: ['intent', 'pii', 'security', 'all'], default: 'intent' },
    options: { type: 'object' },
  },
}

export const BATCH_RESULT: JsonSchema = {
  type: 'object',
  required: ['results', 'total_count', 'processing_time_ms', 'statistics'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['category', 'confidence', 'processing_time_ms'],
        properties: {
          category: { type: 'string' },
          confidence: { type: 'number' },
          processing_time_ms: ms,
        },
      },
    },
    total_count: { type: 'integer' },
    task_type: { type: 'string' },
    processing_time_ms: ms,
    statistics: {
      type: 'object',
      properties: {
        category_distribution: { type: 'object', additionalProperties: { type: 'integer' } },
        avg_confidence: { type: 'number' },
        low_confidence_count: { type: 'integer', description: 'Results with confidence < 0.7' },
      },
    },
  },
}
