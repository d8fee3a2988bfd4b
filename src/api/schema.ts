/**
 * Schema-first request bodies for the classification API: each route declares its request (and
 * response) body once, as a zod schema. The server validates every request body with it before the
 * handler runs, the handler receives the parsed value, and /openapi.json is generated from the same
 * schemas — so the documentation, the validation and the limits cannot drift apart.
 *
 * Validation errors are `invalid_request` (400) naming the field (`param`), with a message built
 * from the first problem found. Schemas may word a problem themselves with a message that starts
 * with "must", "is" or "has"; it is prefixed with the field name.
 */
import { z } from 'zod'
import { RouterError } from '../errors.js'
import type { JsonSchema } from './types.js'

export type Issue = z.core.$ZodIssue

/** `texts[3].value` style name of an issue's field ('' for the body itself). */
export function issueParam(issue: Issue): string {
  let out = ''
  for (const key of issue.path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

const TYPE_NAMES: Readonly<Record<string, string>> = { int: 'integer' }

function article(type: string): string {
  const name = TYPE_NAMES[type] ?? type
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`
}

const entries = (n: number | bigint): string => `${n} ${n === 1 ? 'entry' : 'entries'}`

/** Our own wording in a schema (see the module comment). */
const OWN_MESSAGE = /^(must|is|has) /

function problem(issue: Issue): string {
  if (OWN_MESSAGE.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${entries(issue.minimum)}`
      if (issue.origin === 'string') return 'must not be empty'
      return `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`
    case 'too_big': {
      const length = (issue.input as { length?: number } | undefined)?.length
      if (issue.origin === 'string') return `is ${length} characters; the limit is ${issue.maximum}`
      if (issue.origin === 'array')
        return `has ${entries(length ?? 0)}; the limit is ${issue.maximum}`
      return `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_format':
      return `must be ${issue.format}`
    default:
      return `is invalid (${issue.message})`
  }
}

/** One sentence for the first issue: `options.sensitivity must be ...`. */
export function describeIssue(issue: Issue): string {
  const param = issueParam(issue)
  if (param === '')
    return issue.code === 'invalid_type' ? 'Request body must be a JSON object' : problem(issue)
  return `${param} ${problem(issue)}`
}

/**
 * The body as the schema parses it, or `invalid_request` naming the first problem. `details` adds
 * route-specific facts to the error (the batch endpoint's upstream `error_type`).
 */
export function parseBody<T>(
  schema: z.ZodType<T>,
  body: unknown,
  details?: (issue: Issue) => Readonly<Record<string, unknown>> | undefined,
): T {
  const result = schema.safeParse(body, { reportInput: true })
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const param = issueParam(issue)
  const extra = details?.(issue)
  throw new RouterError('invalid_request', describeIssue(issue), {
    ...(param === '' ? {} : { param }),
    ...(extra ? { details: extra } : {}),
  })
}

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a body: requests as clients may send them
 * (defaults make fields optional), responses as the router writes them.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  return rest
}
