/**
 * `static` model selector (upstream's classic rule): the candidate with the highest configured
 * score that passes every constraint (ties: the first listed), else the fallback (`default_model`)
 * if it passes them.
 */
import { z } from 'zod'
import type { ModelSelectorPlugin, ModelSelection, ModelSelectionRequest } from './types.js'

export function selectStatic(request: ModelSelectionRequest): ModelSelection | undefined {
  const accepts = (model: string) => request.constraints.every((c) => c.accepts(model))
  let best: ModelSelectionRequest['candidates'][number] | undefined
  for (const c of request.candidates)
    if ((!best || c.score > best.score) && accepts(c.model)) best = c
  if (best)
    return {
      model: best.model,
      upstreamModel: best.upstreamModel,
      candidate: best,
      reason: 'best_score',
    }
  if (request.fallback !== '' && accepts(request.fallback))
    return { model: request.fallback, upstreamModel: request.fallback, reason: 'fallback' }
  return undefined
}

export const staticSelector: ModelSelectorPlugin = {
  kind: 'static',
  description: 'highest model_scores entry passing the constraints, else default_model',
  optionsSchema: z.strictObject({}),
  create: () => ({ kind: 'static', select: selectStatic }),
}
