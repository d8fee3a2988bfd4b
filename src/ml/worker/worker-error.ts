/**
 * An engine failure as the plain object that crosses a thread boundary. Kept apart from engine.ts
 * so that code which only handles errors does not load onnxruntime and the tokenizer binding.
 */
import { isRouterError } from '../../errors.js'
import type { WorkerError } from './protocol.js'

export function asWorkerError(err: unknown): WorkerError {
  if (isRouterError(err)) return { code: err.code, message: err.message }
  return { code: 'inference_failed', message: err instanceof Error ? err.message : String(err) }
}
