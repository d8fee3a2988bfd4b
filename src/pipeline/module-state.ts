/**
 * Typed module state. Modules declare the context fields and slots they read and write; when the
 * module order of a config is resolved, every read must be served by a module that runs earlier
 * (or be a field the pipeline initialises). A module that reads what only a later module writes,
 * or a slot no earlier module writes, is a config error found at load time.
 */
import type { PathSegment } from '../config/issues.js'
import type { ConfigReport } from '../config/plugin.js'
import type { ModuleFactory, RequestContext, StateKey, StateSlot } from './types.js'

export function defineSlot<T>(name: string, options: { optional?: boolean } = {}): StateSlot<T> {
  return { name, optional: options.optional ?? false }
}

export function readSlot<T>(ctx: RequestContext, slot: StateSlot<T>): T | undefined {
  return ctx.moduleState.get(slot.name) as T | undefined
}

export function writeSlot<T>(ctx: RequestContext, slot: StateSlot<T>, value: T): void {
  ctx.moduleState.set(slot.name, value)
}

const keyName = (key: StateKey): string => (typeof key === 'string' ? key : `state:${key.name}`)

/** Report every read that no earlier module serves, in the resolved order. */
export function checkStateFlow(
  ordered: readonly ModuleFactory<unknown>[],
  report: ConfigReport,
  path: PathSegment[] = ['pipeline', 'modules'],
): void {
  const writers = new Map<string, string[]>()
  for (const f of ordered)
    for (const key of f.writes ?? []) {
      const name = keyName(key)
      writers.set(name, [...(writers.get(name) ?? []), f.kind])
    }
  const written = new Set<string>()
  for (const f of ordered) {
    for (const key of f.reads ?? []) {
      const name = keyName(key)
      if (written.has(name)) continue
      const later = (writers.get(name) ?? []).filter((w) => w !== f.kind)
      if (later.length > 0)
        report(
          'error',
          path,
          `"${f.kind}" must run after ${later.map((w) => `"${w}"`).join(' or ')} (it reads ${name}, which no earlier module writes)`,
        )
      else if (typeof key !== 'string' && !key.optional)
        report('error', path, `"${f.kind}" reads ${name}, which no enabled module before it writes`)
    }
    for (const key of f.writes ?? []) written.add(keyName(key))
  }
}
