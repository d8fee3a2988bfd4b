/**
 * A dry run of the pipeline for one text: the request an `auto` client would send, and the
 * decision as a plain object (no prompt text). `semantic-router classify` and the console's
 * playground both use it, so they show the same decision for the same text and config.
 */
import { localRequestMeta } from './local-meta.js'
import type { Pipeline } from './pipeline.js'
import type { RequestOutcome } from './types.js'

/**
 * Run `text` through the pipeline as a chat request for `model`; nothing is sent upstream. A
 * forwarded outcome is discarded at once, so the modules release what they hold for it (the
 * cache's coalescing slot).
 */
export async function previewRequest(
  pipeline: Pipeline,
  text: string,
  model: string,
  requestId: string,
): Promise<RequestOutcome> {
  const body = Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: text }] }))
  const outcome = await pipeline.handleRequest(body, localRequestMeta(requestId))
  if (outcome.action === 'forward') pipeline.discard(outcome.ctx, 'not_sent')
  return outcome
}

/** The decision as a plain object (no prompt text). */
export function describeOutcome(outcome: RequestOutcome): Record<string, unknown> {
  const ctx = outcome.ctx
  const decision: Record<string, unknown> = {
    action: outcome.action,
    requested_model: ctx.request.model,
    recipe: ctx.decision?.recipe.name ?? null,
    decision: ctx.decision?.decision?.name ?? null,
    decision_confidence: ctx.decision?.decision ? ctx.decision.confidence : null,
    algorithm: ctx.algorithm === '' ? null : ctx.algorithm,
    category: ctx.category,
    confidence: ctx.confidence,
    classifier: ctx.classification?.source ?? null,
    classifier_detail: ctx.classification?.detail ?? null,
    selected_model: ctx.selectedModel,
    upstream_model: ctx.upstreamModel,
    reason_code: ctx.reasonCode,
    reasoning: ctx.reasoning
      ? {
          enabled: ctx.reasoning.enabled,
          effort: ctx.reasoning.effort ?? null,
          reason: ctx.reasoning.reason,
          family: ctx.reasoning.family ?? null,
        }
      : null,
    system_prompt_injected: ctx.systemPromptInjected,
    endpoint: ctx.endpoint ? { name: ctx.endpoint.name, address: ctx.endpoint.hostPort } : null,
  }
  if (outcome.action === 'respond')
    decision['immediate_response'] = {
      kind: outcome.response.kind,
      status: outcome.response.status,
    }
  return decision
}
