/**
 * POST /api/v1/classify/security — jailbreak / prompt-injection check with the router's detector
 * (the embedded rules when prompt_guard is disabled, so the endpoint always answers).
 *
 * Request (upstream's shape): `{"text", "options"?: {"detection_types", "sensitivity",
 * "include_reasoning"}}`; `sensitivity` is "low" | "medium" | "high" (thresholds 0.9 / 0.7 / 0.5) or a
 * threshold in [0, 1], default `prompt_guard.threshold`. Response: `{"is_jailbreak", "risk_score",
 * "detection_types", "confidence", "label", "recommendation", "reasoning"?, "patterns_detected",
 * "threshold", "detector", "processing_time_ms"}` — `patterns_detected` are the rule ids that fired
 * (with the text view they matched on, e.g. `ignore_previous_instructions@decoded`).
 */
import type { z } from 'zod'
import { requireRuntime } from '../errors.js'
import { detectSecurity, securityOptions } from '../guard-results.js'
import { SECURITY_REQUEST, SECURITY_RESULT } from '../schemas/guards.js'
import type { ApiRoute } from '../types.js'

export const classifySecurityRoute: ApiRoute<z.output<typeof SECURITY_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/classify/security',
  summary: 'Detect jailbreak and prompt-injection attempts, with the rules that fired',
  schema: { request: SECURITY_REQUEST, response: SECURITY_RESULT },
  handle: async (req, ctx) => {
    const runtime = requireRuntime(ctx)
    const opts = securityOptions(req.body.options, runtime)
    return { body: await detectSecurity(runtime, req.body.text, opts, req.signal) }
  },
}
