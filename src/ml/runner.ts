/**
 * Where a loaded model's inference runs. Two placements share the same engine and batching:
 * a worker thread (model-worker.ts: the event loop never runs inference) and the router's own
 * thread (in-process-runner.ts: for small models whose inference costs less than a worker round
 * trip). `inference.placement` chooses; model.ts picks per model.
 */
import type { TaskResult, WorkerReady } from './worker/protocol.js'

export type Placement = 'worker' | 'main'

export interface ModelRunner {
  readonly placement: Placement
  readonly ready: WorkerReady
  /** False once the runner died (a worker that exited); model.ts starts a new one. */
  readonly alive: boolean
  /** Requests in flight, for picking the least busy runner. */
  readonly load: number
  request(texts: readonly string[]): Promise<TaskResult[]>
  close(): Promise<void>
}
