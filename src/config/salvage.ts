/**
 * A config with schema errors still gets its cross-field checks, so `validate-config` (and a refused
 * `serve` or reload) lists every problem in one run instead of revealing the broken references
 * between sections only after the type errors are fixed.
 *
 * Each invalid value is replaced by a stand-in the schema accepts — the bound it crossed, the first
 * allowed value, a value of the expected type, a plain host name for a string a rule refused — and
 * unknown keys are dropped, until the schema passes (a few rounds at most). The cross-field checks
 * then run on that config; their findings at a replaced value, or under one, are dropped by the
 * caller because they would describe the stand-in, not the file. Where no stand-in fits (a list
 * that must not be empty, a union) nothing is salvaged and only the schema errors are reported.
 */
import type { z } from 'zod'
import type { PathSegment } from './issues.js'
import { routerConfigSchema, type RouterConfig } from './schema/index.js'

const MAX_ROUNDS = 6
/** Stand-ins for a string a custom rule refused, tried in order. */
const STRING_STAND_INS = ['x', '127.0.0.1', '']

export interface Salvaged {
  readonly config: RouterConfig
  /** Paths whose values were replaced or removed. */
  readonly replaced: readonly (readonly PathSegment[])[]
}

type Issue = z.core.$ZodIssue

function byType(expected: string, input: unknown): { value: unknown } | undefined {
  switch (expected) {
    case 'number':
    case 'int':
      return { value: 0 }
    case 'string':
      return {
        value: typeof input === 'number' || typeof input === 'boolean' ? String(input) : 'x',
      }
    case 'boolean':
      return { value: false }
    case 'array':
      return { value: [] }
    case 'object':
    case 'record':
      return { value: {} }
    default:
      return undefined
  }
}

/** A value the schema should accept where `issue` was raised, or undefined when none is known. */
function standIn(issue: Issue, attempt: number): { value: unknown } | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return byType(issue.expected, issue.input)
    case 'invalid_value':
      return issue.values.length > 0 ? { value: issue.values[0] } : undefined
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') {
        const min = Number(issue.minimum)
        return { value: issue.inclusive ? min : min + 1 }
      }
      return issue.origin === 'string' ? { value: 'x'.repeat(Number(issue.minimum)) } : undefined
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') {
        const max = Number(issue.maximum)
        return { value: issue.inclusive ? max : max - 1 }
      }
      return issue.origin === 'string' && typeof issue.input === 'string'
        ? { value: issue.input.slice(0, Number(issue.maximum)) }
        : undefined
    case 'custom':
      return typeof issue.input === 'string' && attempt < STRING_STAND_INS.length
        ? { value: STRING_STAND_INS[attempt] }
        : undefined
    default:
      return undefined
  }
}

function parentOf(
  root: unknown,
  path: readonly PathSegment[],
): Record<PathSegment, unknown> | undefined {
  let node: unknown = root
  for (const seg of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<PathSegment, unknown>)[seg]
  }
  return node !== null && typeof node === 'object'
    ? (node as Record<PathSegment, unknown>)
    : undefined
}

const key = (path: readonly PathSegment[]): string => JSON.stringify(path)

export function salvageConfig(raw: Record<string, unknown>): Salvaged | undefined {
  const candidate = structuredClone(raw)
  const replaced = new Map<string, PathSegment[]>()
  const attempts = new Map<string, number>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = routerConfigSchema.safeParse(candidate, { reportInput: true })
    if (parsed.success) return { config: parsed.data, replaced: [...replaced.values()] }
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
      if (issue.code === 'unrecognized_keys') {
        const parent = parentOf(candidate, [...path, ''])
        for (const k of issue.keys) {
          if (parent) delete parent[k]
          replaced.set(key([...path, k]), [...path, k])
        }
        continue
      }
      const attempt = attempts.get(key(path)) ?? 0
      attempts.set(key(path), attempt + 1)
      const value = standIn(issue, attempt)
      const parent = parentOf(candidate, path)
      const last = path.at(-1)
      if (value === undefined || parent === undefined || last === undefined) return undefined
      parent[last] = value.value
      replaced.set(key(path), path)
    }
  }
  return undefined
}

/** True when `path` is a replaced path or lies under one. */
export function underReplaced(
  path: readonly PathSegment[],
  replaced: readonly (readonly PathSegment[])[],
): boolean {
  return replaced.some((r) => r.length <= path.length && r.every((seg, i) => path[i] === seg))
}
