/**
 * Reading a v0.3 document: removed fields (errors), the v0.3 schema, upstream's cross-field rules,
 * warnings for what this router does not run, then lowering into the internal configuration.
 */
import { routerConfigSchema, type RouterConfig } from '../schema/index.js'
import { v03DocumentSchema } from '../schema/v03/index.js'
import { describeIssue, parseWithSchema, type Report } from '../schema-parse.js'
import type { PathSegment } from '../issues.js'
import { checkV03 } from './checks.js'
import { lowerV03 } from './lower.js'
import { rejectRemovedFields } from './removed.js'
import { reportUnsupported } from './unsupported.js'

export function validateV03Object(
  raw: Record<string, unknown>,
  report: Report,
): RouterConfig | undefined {
  const doc = structuredClone(raw)
  rejectRemovedFields(doc, report)
  const parsed = parseWithSchema(v03DocumentSchema, doc, report)
  if (!parsed) return undefined
  checkV03(parsed, report)
  reportUnsupported(parsed, report)
  const lowered = lowerV03(parsed)
  const internal = routerConfigSchema.safeParse(lowered.classic, { reportInput: true })
  if (!internal.success) {
    // The lowering builds a valid classic shape from a valid document; what is left are values
    // the internal schema is stricter about (reported where the internal config has them).
    for (const issue of internal.error.issues)
      report(
        'error',
        issue.path.filter((p): p is PathSegment => typeof p !== 'symbol'),
        `internal configuration: ${describeIssue(issue)}`,
      )
    return undefined
  }
  return { ...internal.data, v03: lowered.v03 }
}
