/**
 * POST /api/v1/classify/pii — find personal data in a text with the router's PII detector.
 *
 * Request (upstream's shape): `{"text", "options"?: {"entity_types", "confidence_threshold",
 * "return_positions", "mask_entities"}}`. Response: `{"has_pii", "entities": [{"type", "value",
 * "confidence", "start_position", "end_position", "masked_value"?, "source"}], "masked_text"?,
 * "security_recommendation", "detector", "processing_time_ms"}`. Unlike upstream (placeholders),
 * values, confidences and positions are real; positions are code point offsets, end exclusive, and
 * are returned unless `return_positions` is false. The default threshold is
 * `classifier.pii_model.threshold`.
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { detectPii, piiOptions } from '../guard-results.js'
import { PII_REQUEST, PII_RESULT } from '../schemas/guards.js'
import type { ApiRoute } from '../types.js'

export const classifyPiiRoute: ApiRoute<z.output<typeof PII_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/classify/pii',
  summary: 'Detect personal data (Presidio types) with positions, confidences and masked text',
  schema: { request: PII_REQUEST, response: PII_RESULT },
  handle: async (req, ctx) => {
    const runtime = requireRuntime(ctx)
    const opts = piiOptions(req.body.options, runtime)
    const { result } = await detectPii(runtime, req.body.text, opts, req.signal)
    return { body: result }
  },
}
