/**
 * The classification API's error shape, as upstream's API server writes it:
 * `{"error":{"code","message","timestamp"}}`. The code is our stable error code upper-cased
 * (`invalid_json` → `INVALID_JSON`), matching upstream's upper-case style; docs/errors.md lists them.
 */
import { RouterError } from '../errors.js'
import type { Runtime } from '../pipeline/runtime.js'
import type { ApiContext } from './types.js'

export function apiErrorBody(err: RouterError): {
  error: { code: string; message: string; timestamp: string }
} {
  return {
    error: {
      code: err.code.toUpperCase(),
      message: err.message,
      timestamp: new Date().toISOString(),
    },
  }
}

/** The runtime, or a 503 `not_ready` while the router is still loading its models. */
export function requireRuntime(ctx: ApiContext): Runtime {
  const runtime = ctx.runtime()
  if (runtime === undefined)
    throw new RouterError('not_ready', 'The router is still starting (models are loading)')
  return runtime
}

/** Validation helpers for request bodies: each throws invalid_request naming the field. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new RouterError('invalid_request', 'Request body must be a JSON object')
  return body as Record<string, unknown>
}

export function requireText(body: Record<string, unknown>, field = 'text'): string {
  const value = body[field]
  if (typeof value !== 'string' || value.trim() === '')
    throw new RouterError('invalid_request', `${field} must be a non-empty string`, {
      param: field,
    })
  return value
}

export function optionalObject(
  body: Record<string, unknown>,
  field: string,
): Record<string, unknown> {
  const value = body[field]
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value))
    throw new RouterError('invalid_request', `${field} must be an object`, { param: field })
  return value as Record<string, unknown>
}

export function optionalBoolean(
  obj: Record<string, unknown>,
  field: string,
  param: string,
): boolean {
  const value = obj[field]
  if (value === undefined || value === null) return false
  if (typeof value !== 'boolean')
    throw new RouterError('invalid_request', `${param} must be a boolean`, { param })
  return value
}

export function optionalNumber(
  obj: Record<string, unknown>,
  field: string,
  param: string,
  fallback: number,
): number {
  const value = obj[field]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RouterError('invalid_request', `${param} must be a number`, { param })
  return value
}
