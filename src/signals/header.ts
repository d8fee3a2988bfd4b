/**
 * `header` (ours; family `headers`): a request header tested with `equals` / `in` / `exists`, for
 * caller, tenant or cohort headers that a trusted proxy in front of the router sets. Routing
 * headers (`x-vsr-*`, `x-selected-model`, ...) are removed at the edge and never reach a signal.
 */
import { headerSignalSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import { testString } from './predicates.js'
import type { SignalPlugin } from './types.js'

type HeaderRule = z.output<typeof headerSignalSchema>

export const headerSignal: SignalPlugin<HeaderRule> = {
  kind: 'header',
  family: 'headers',
  cost: 'cheap',
  description: 'a request header (equals / in / exists)',
  optionsSchema: headerSignalSchema,
  create(_ctx, rules) {
    const compiled = rules.map((r) => ({ ...r, header: r.header.toLowerCase() }))
    return {
      evaluate(input) {
        const matches = new Map<string, number>()
        for (const r of compiled)
          if (testString(r.predicate, input.headers[r.header])) matches.set(r.name, 1)
        return { matches }
      },
    }
  },
}
