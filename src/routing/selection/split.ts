/**
 * `split` (ours): a deterministic, sticky traffic split among a decision's models, for A/B tests
 * and canaries. The request's key — by `sticky_by`: the body's `user` (else the caller), the
 * caller (API key principal, or the hash of its Authorization header), or the request id — is
 * hashed with the split's name to a point u in [0, 1); the arms' weights divide [0, 1) in order,
 * and u's interval names the arm. The same key always lands on the same arm, on every replica and
 * across reloads, with no shared state; changing one arm's weight moves only the keys at the
 * boundary it shifts. An arm whose model is not among the decision's candidates, or fails a
 * constraint, is skipped: its share goes to the next arm in the list (wrapping round).
 *
 * The arm is recorded with the served request (feedback is attributed to it) and counted in the
 * `llm_split_*` metrics (requests, errors, latency, cost, ratings per arm).
 */
import type { z } from 'zod'
import { splitBlockSchema } from '../../config/schema/v03/algorithms.js'
import { hashUnit } from '../../seeded-random.js'
import { fallbackSelection } from './scoring.js'
import type { ModelSelector, ModelSelectorPlugin, SelectionBuildContext } from './types.js'

export type SplitOptions = z.output<typeof splitBlockSchema>

export function splitPoint(split: string, key: string): number {
  return hashUnit(`split|${split}|${key}`)
}

export function createSplit(ctx: SelectionBuildContext, options: SplitOptions): ModelSelector {
  const total = options.arms.reduce((s, a) => s + a.weight, 0)
  return {
    kind: 'split',
    select(request) {
      const name = options.name ?? request.decision?.name ?? 'default'
      const key =
        options.sticky_by === 'request'
          ? request.requestId
          : options.sticky_by === 'user' && request.user
            ? `user:${request.user}`
            : (request.caller ?? request.requestId)
      const u = splitPoint(name, key) * total
      let index = 0
      for (let acc = 0; index < options.arms.length; index++) {
        acc += options.arms[index]!.weight
        if (u < acc) break
      }
      const accepts = (model: string) => request.constraints.every((c) => c.accepts(model))
      for (let k = 0; k < options.arms.length; k++) {
        const arm = options.arms[(index + k) % options.arms.length]!
        if (arm.weight === 0 && k > 0) continue
        const candidate = request.candidates.find((c) => c.model === arm.model)
        if (!candidate || !accepts(candidate.model)) continue
        return {
          model: candidate.model,
          upstreamModel: candidate.upstreamModel,
          candidate,
          reason: k === 0 ? 'split' : 'split_next_arm',
          split: { name, arm: arm.name },
        }
      }
      ctx.log.debug({ event: 'split_no_arm', split: name }, 'split_no_arm')
      return fallbackSelection(request)
    },
  }
}

export const splitSelector: ModelSelectorPlugin<SplitOptions> = {
  kind: 'split',
  description: 'deterministic sticky traffic split among the decision’s models (A/B, canary)',
  optionsSchema: splitBlockSchema,
  create: createSplit,
}
