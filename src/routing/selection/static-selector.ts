/**
 * `static` model selector (upstream's classic rule): the candidate with the highest configured
 * score that passes every constraint (ties: the first listed), else the fallback (`default_model`)
 * if it passes them.
 */
import { z } from 'zod'
import type { ModelSelectorPlugin, ModelSelection, ModelSelectionRequest } from './types.js'

export function selectStatic(request: ModelSelectionRequest): ModelSelection | undefined {
  let best: ModelSelectionRequest['candidates'][number] | undefined
  for (const c of request.candidates)
    if ((!best || c.score > best.score) && accepts(request, c.model)) best = c
  if (best)
    return {
      model: best.model,
      upstreamModel: best.upstreamModel,
      candidate: best,
      reason: 'best_score',
    }
  if (request.fallback !== '' && accepts(request, request.fallback))
    return { model: request.fallback, upstreamModel: request.fallback, reason: 'fallback' }
  return undefined
}

/** Every constraint passes `model` (a loop, not closures: this runs for every routed request). */
function accepts(request: ModelSelectionRequest, model: string): boolean {
  for (const c of request.constraints) if (!c.accepts(model)) return false
  return true
}

export const staticSelector: ModelSelectorPlugin = {
  kind: 'static',
  description: 'highest model_scores entry passing the constraints, else default_model',
  optionsSchema: z.strictObject({}),
  create: () => ({ kind: 'static', select: selectStatic }),
}
