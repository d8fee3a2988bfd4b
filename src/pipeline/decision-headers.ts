/**
 * How the router reports its choice (upstream v0.3's response headers): the recipe, the winning
 * decision and its confidence, how the model was chosen. The matched signals and the context token
 * count are the debug surface, sent when the request says `x-vsr-debug: true`.
 */
import { DEBUG_HEADER } from '../edge/routing-headers.js'
import type { RequestContext } from './types.js'

/** Debug header names per signal type (upstream's `x-vsr-matched-*`). */
const MATCHED_HEADER: Readonly<Record<string, string>> = {
  keyword: 'keywords',
  embedding: 'embeddings',
  domain: 'domains',
  language: 'language',
  context: 'context',
  complexity: 'complexity',
  authz: 'authz',
  jailbreak: 'jailbreak',
  pii: 'pii',
  metadata: 'metadata',
  header: 'headers',
  split: 'splits',
  structure: 'structure',
  conversation: 'conversation',
}

export function wantsDebug(ctx: RequestContext): boolean {
  return ctx.meta.headers[DEBUG_HEADER]?.toLowerCase() === 'true'
}

/**
 * The decision headers of a routed request (none for a concrete model), set on `out` (a new Map
 * unless given: the pipeline passes the request's response headers, so nothing is copied).
 */
export function decisionHeaders(
  ctx: RequestContext,
  out = new Map<string, string>(),
): Map<string, string> {
  const result = ctx.decision
  if (!result) return out
  out.set('x-vsr-selected-recipe', result.recipe.name)
  if (result.decision) {
    // Absent, not empty, when no decision matched (upstream).
    out.set('x-vsr-selected-decision', result.decision.name)
    out.set('x-vsr-selected-confidence', result.confidence.toFixed(4))
  }
  if (ctx.algorithm !== '' && result.decision) out.set('x-vsr-selected-algorithm', ctx.algorithm)
  if (!wantsDebug(ctx)) return out
  for (const [type, outcome] of result.outcomes) {
    const name = MATCHED_HEADER[type]
    if (name === undefined || outcome.matches.size === 0) continue
    out.set(`x-vsr-matched-${name}`, [...outcome.matches.keys()].join(','))
  }
  const tokens = result.outcomes.get('context')?.evidence?.['tokens']
  if (typeof tokens === 'number') out.set('x-vsr-context-token-count', String(tokens))
  return out
}
