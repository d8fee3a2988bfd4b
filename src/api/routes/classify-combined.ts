/**
 * POST /api/v1/classify/combined — intent, PII and security for one text in one call (upstream
 * answered 501). Request: `{"text", "options"?: {...}}` where options may carry the fields of all
 * three endpoints (`return_probabilities`, `entity_types`, `confidence_threshold` for PII,
 * `mask_entities`, `sensitivity`, `include_reasoning`, ...). Response: `{"intent": {"category",
 * "confidence", "source", "top_category", "accepted_for_routing", "recommended_model",
 * "probabilities"?}, "pii": <as /classify/pii>,
 * "security": <as /classify/security>, "recommendation": "block" | "allow", "processing_time_ms"}`.
 * The three run concurrently; `recommendation` is `block` when security says so, or when PII was
 * found and the recommended model's PII policy denies one of the found types.
 */
import type { z } from 'zod'
import { deniedTypes } from '../../routing/pii-policy.js'
import { requireRuntime } from '../errors.js'
import { detectPii, detectSecurity, elapsedMs, guardOptions } from '../guard-results.js'
import { categoryProbabilities, recommendedModel } from '../intent-result.js'
import { COMBINED_REQUEST, COMBINED_RESULT } from '../schemas/guards.js'
import type { ApiRoute } from '../types.js'

export const classifyCombinedRoute: ApiRoute<z.output<typeof COMBINED_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/classify/combined',
  summary: 'Intent, PII and security classification of one text in one call',
  schema: { request: COMBINED_REQUEST, response: COMBINED_RESULT },
  handle: async (req, ctx) => {
    const text = req.body.text
    const runtime = requireRuntime(ctx)
    const options = guardOptions(req.body.options, runtime)
    const started = performance.now()
    const [intent, pii, security] = await Promise.all([
      runtime.pipeline.classifyText(text),
      detectPii(runtime, text, options.pii, req.signal),
      detectSecurity(runtime, text, options.security, req.signal),
    ])
    const recommended = recommendedModel(runtime, intent.category)
    const found = [...new Set(pii.entities.map((e) => e.type))]
    const piiDenied = recommended ? deniedTypes(runtime.config, recommended, found) : []
    const intentBody: Record<string, unknown> = {
      category: intent.category,
      confidence: intent.confidence,
      source: intent.classification?.source ?? null,
      top_category: intent.topCategory,
      accepted_for_routing: intent.accepted,
      recommended_model: recommended,
    }
    if (options.withProbabilities && intent.classification?.distribution)
      intentBody['probabilities'] = categoryProbabilities(runtime, intent)
    return {
      body: {
        intent: intentBody,
        pii: { ...pii.result, denied_by_policy: piiDenied },
        security,
        recommendation:
          security['is_jailbreak'] === true || piiDenied.length > 0 ? 'block' : 'allow',
        processing_time_ms: elapsedMs(started),
      },
    }
  },
}
