/**
 * `split` (ours; family `splits`): a sticky share of callers, for A/B tests and canaries between
 * decisions. The caller's key — the body's `user` (else the caller), the caller (API key principal
 * or the hash of its Authorization header), or the request id, by `sticky_by` — is hashed with the
 * experiment's name to u ∈ [0, 100); the rule matches when offset ≤ u < offset + percent. The same
 * caller always gets the same answer, on every replica, with no shared state (the same hash the
 * `split` selection algorithm uses, src/routing/selection/split.ts).
 */
import type { z } from 'zod'
import { splitSignalSchema } from '../config/schema/v03/signals.js'
import { hashUnit } from '../seeded-random.js'
import type { SignalInput, SignalPlugin } from './types.js'

type SplitRule = z.output<typeof splitSignalSchema>

function keyOf(input: SignalInput, stickyBy: SplitRule['sticky_by']): string {
  const id = input.requestId ?? ''
  if (stickyBy === 'request') return id
  const user = input.request.body['user']
  if (stickyBy === 'user' && typeof user === 'string' && user !== '') return `user:${user}`
  return input.caller ?? id
}

export const splitSignal: SignalPlugin<SplitRule> = {
  kind: 'split',
  family: 'splits',
  cost: 'cheap',
  description: 'a sticky share of callers (hash of experiment and user / caller / request)',
  optionsSchema: splitSignalSchema,
  create(_ctx, rules) {
    return {
      evaluate(input) {
        const matches = new Map<string, number>()
        for (const r of rules) {
          const u = 100 * hashUnit(`split|${r.experiment}|${keyOf(input, r.sticky_by)}`)
          if (u >= r.offset && u < r.offset + r.percent) matches.set(r.name, 1)
        }
        return { matches }
      },
    }
  },
}
