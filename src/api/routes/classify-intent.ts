/**
 * POST /api/v1/classify/intent — classify a text with the configured classifier chain (the same
 * chain the router uses for `auto` requests).
 *
 * Request (upstream's shape): `{"text", "options"?: {"return_probabilities", "confidence_threshold",
 * "include_explanation"}}`. Response: `{"classification":{"category","confidence",
 * "processing_time_ms"}, "probabilities"?, "recommended_model", "routing_decision"}`. Unlike
 * upstream, `recommended_model` is the model the router would really pick for the category, and
 * `probabilities` is the full distribution when the classifier has one. Ours as well:
 * `classification.source` (which classifier decided), `classification.top_category` (the top
 * choice even when it fell under `category_model.threshold`, where `category` is "") and
 * `classification.accepted_for_routing` (whether routing used it).
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { categoryProbabilities, recommendedModel } from '../intent-result.js'
import { INTENT_REQUEST, INTENT_RESULT } from '../schemas/intent.js'
import type { ApiRoute } from '../types.js'

/** Upstream's default split between "specialised" and "general" routing. */
const DEFAULT_CONFIDENCE_THRESHOLD = 0.7

export const classifyIntentRoute: ApiRoute<z.output<typeof INTENT_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/classify/intent',
  summary: 'Classify a text into a category with the configured classifier chain',
  schema: { request: INTENT_REQUEST, response: INTENT_RESULT },
  handle: async (req, ctx) => {
    const options = req.body.options
    const withProbabilities = options?.return_probabilities === true
    const threshold = options?.confidence_threshold ?? DEFAULT_CONFIDENCE_THRESHOLD
    const runtime = requireRuntime(ctx)
    const started = performance.now()
    const result = await runtime.pipeline.classifyText(req.body.text)
    const processingMs = performance.now() - started
    const recommended = recommendedModel(runtime, result.category)
    const response: Record<string, unknown> = {
      classification: {
        category: result.category,
        confidence: result.confidence,
        processing_time_ms: round(processingMs),
        source: result.classification?.source ?? null,
        top_category: result.topCategory,
        accepted_for_routing: result.accepted,
      },
      recommended_model: recommended,
      routing_decision:
        result.category !== '' && result.confidence >= threshold
          ? 'high_confidence_specialized'
          : 'low_confidence_general',
    }
    if (withProbabilities) response['probabilities'] = categoryProbabilities(runtime, result)
    return { body: response }
  },
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000
}
