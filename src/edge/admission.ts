/**
 * Header-phase admission: the checks a request must pass before its body is read or routed, in
 * order, the same on both transports. Each returns a rejection or nothing. Per-caller checks that
 * need only headers belong here (authentication) — they see the described request, including the
 * caller's headers, and refuse with their own status; those that need the parsed body (the key's
 * allowed models, rate limits and budgets) are in src/pipeline/caller-access.ts.
 */
import { RouterError } from '../errors.js'
import { bodyTooLarge } from '../http/body.js'
import type { PathRule, RequestKind } from './paths.js'

export interface EdgeRejection {
  readonly error: RouterError
  /** Headers the answer carries besides `x-request-id` (`allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>
  /** Counted in `llm_request_errors_total`: a chat request refused at the edge. */
  readonly counted: boolean
}

/** What the checks look at. */
export interface AdmissionInput {
  readonly kind: RequestKind
  readonly rule: PathRule | undefined
  readonly method: string
  readonly path: string
  /** The client's headers (lower-case names), routing headers already removed. */
  readonly headers: Readonly<Record<string, string>>
  readonly maxBodyBytes: number
  /** Why the caller could not be identified (no key, unknown key), when the listener needs one. */
  readonly callerError?: RouterError | undefined
}

export type AdmissionCheck = (request: AdmissionInput) => EdgeRejection | undefined

/** A path of the table asked with the wrong method: 405 with `allow`. */
const allowedMethod: AdmissionCheck = ({ rule, method, path }) => {
  if (rule === undefined || rule.method === method) return undefined
  return {
    error: new RouterError(
      'method_not_allowed',
      `${method} is not allowed on ${path}; use ${rule.method}`,
    ),
    headers: { allow: rule.method },
    counted: false,
  }
}

/** A listener that requires an API key refuses a request without a valid one (401). */
const authenticated: AdmissionCheck = ({ callerError }) =>
  callerError === undefined
    ? undefined
    : { error: callerError, headers: { 'www-authenticate': 'Bearer' }, counted: true }

/**
 * JSON bodies only. Absent, `text/plain` and form encoding are tolerated because `curl -d` sends the
 * latter by default and the body is parsed as JSON either way; anything else (multipart, binary) is
 * refused with 415 before the body is read.
 */
const jsonContentType: AdmissionCheck = ({ kind, headers }) => {
  const value = headers['content-type']
  if (kind !== 'chat' || value === undefined) return undefined
  const semi = value.indexOf(';')
  const type = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase()
  if (
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'text/plain' ||
    type === 'application/x-www-form-urlencoded' ||
    type === ''
  )
    return undefined
  return {
    error: new RouterError(
      'unsupported_media_type',
      `Content-Type ${type} is not supported; send application/json`,
    ),
    headers: {},
    counted: true,
  }
}

/** A declared body over the limit is refused before a byte of it is read. */
const declaredLength: AdmissionCheck = ({ kind, headers, maxBodyBytes }) => {
  const declared = headers['content-length']
  if (kind !== 'chat' || declared === undefined || !(Number(declared) > maxBodyBytes))
    return undefined
  return { error: bodyTooLarge(maxBodyBytes), headers: {}, counted: true }
}

/** The checks, in the order they run. */
export const ADMISSION_CHECKS: readonly AdmissionCheck[] = [
  allowedMethod,
  authenticated,
  jsonContentType,
  declaredLength,
]

export function admit(input: AdmissionInput): EdgeRejection | undefined {
  // Not the router's request: only the key, when the listener checks it on every path.
  if (input.kind === 'passthrough') return authenticated(input)
  for (const check of ADMISSION_CHECKS) {
    const rejection = check(input)
    if (rejection) return rejection
  }
  return undefined
}
