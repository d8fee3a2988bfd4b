/**
 * Parse a document with a strict zod schema the way every config is read: unknown keys are
 * warnings (and are dropped before a second parse), everything else is an error at its YAML path.
 */
import type { z } from 'zod'
import type { ConfigIssue, PathSegment } from './issues.js'

export type Report = (
  severity: ConfigIssue['severity'],
  path: PathSegment[],
  message: string,
  key?: string,
) => void

export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  report: Report,
): z.output<S> | undefined {
  const first = schema.safeParse(raw, { reportInput: true })
  if (first.success) return first.data
  const stripped = structuredClone(raw)
  let hasRealErrors = false
  for (const issue of first.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        report('warning', path, 'unknown key, ignored', key)
        deleteKey(stripped, path, key)
      }
    } else {
      hasRealErrors = true
      report('error', path, describeIssue(issue))
    }
  }
  if (hasRealErrors) return undefined
  const second = schema.safeParse(stripped, { reportInput: true })
  if (second.success) return second.data
  for (const issue of second.error.issues)
    report(
      'error',
      issue.path.filter((p): p is PathSegment => typeof p !== 'symbol'),
      describeIssue(issue),
    )
  return undefined
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const hint =
        typeof issue.input === 'boolean' && issue.expected === 'string'
          ? ' (YAML reads yes/no/on/off/true/false as booleans: quote the value)'
          : ''
      return `expected ${issue.expected}, got ${describeReceived(issue.input)}${hint}`
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'too_small':
      return issue.origin === 'array'
        ? issue.message.startsWith('Too small')
          ? `needs at least ${String(issue.minimum)} item(s)`
          : issue.message
        : `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`
    default:
      return issue.message
  }
}

function describeReceived(input: unknown): string {
  if (input === undefined) return 'nothing (missing)'
  if (input === null) return 'null'
  if (Array.isArray(input)) return 'a list'
  if (typeof input === 'object') return 'a mapping'
  return `${typeof input} ${JSON.stringify(input)}`
}

function deleteKey(root: unknown, path: readonly PathSegment[], key: string): void {
  let node: unknown = root
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return
    node = (node as Record<string | number, unknown>)[seg]
  }
  if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[key]
}
