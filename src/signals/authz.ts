/**
 * `authz` (family `role_bindings`): a binding matches when one of its subjects is the caller — a
 * `User` by user id, a `Group` by membership. A match reports both the binding's name and its
 * role (leaves may name either, as upstream's router accepts). When bindings exist and the caller
 * is unknown the request fails (`identity_required`) unless `global.services.authz.fail_open`,
 * which treats it as anonymous (no roles).
 */
import { RouterError } from '../errors.js'
import { roleBindingSchema } from '../config/schema/v03/signals.js'
import type { z } from 'zod'
import type { SignalPlugin } from './types.js'

type Binding = z.output<typeof roleBindingSchema>

export const authzSignal: SignalPlugin<Binding> = {
  kind: 'authz',
  family: 'role_bindings',
  cost: 'cheap',
  description: "the caller's user id or groups match a role binding",
  optionsSchema: roleBindingSchema,
  create({ config }, bindings) {
    const failOpen = config.v03?.authz.failOpen ?? false
    return {
      evaluate({ identity }) {
        const matches = new Map<string, number>()
        if (identity.user === undefined) {
          if (!failOpen) throw new RouterError('identity_required')
          return { matches }
        }
        for (const b of bindings)
          if (
            b.subjects.some((s) =>
              s.kind === 'User' ? s.name === identity.user : identity.groups.includes(s.name),
            )
          ) {
            matches.set(b.name, 1)
            matches.set(b.role, 1)
          }
        return { matches }
      },
    }
  },
}
