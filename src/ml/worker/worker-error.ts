/**
 * An engine failure as the plain object that crosses a thread boundary, and back. Kept apart from
 * engine.ts so that code which only handles errors does not load onnxruntime and the tokenizer
 * binding.
 */
import { ERROR_CODES, isRouterError, RouterError, type ErrorCode } from '../../errors.js'
import type { WorkerError } from './protocol.js'

export function asWorkerError(err: unknown): WorkerError {
  if (isRouterError(err)) return { code: err.code, message: err.message }
  return { code: 'inference_failed', message: err instanceof Error ? err.message : String(err) }
}

/** The RouterError the rest of the router expects; unknown codes become `inference_failed`. */
export function fromWorkerError(error: WorkerError): RouterError {
  const known = Object.hasOwn(ERROR_CODES, error.code)
    ? (error.code as ErrorCode)
    : 'inference_failed'
  return new RouterError(known, error.message)
}
