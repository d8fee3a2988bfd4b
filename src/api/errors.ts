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
