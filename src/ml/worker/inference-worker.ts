/**
 * Worker-thread entry: owns one InferenceEngine and answers requests from the main thread, batching
 * requests that arrive while a batch runs (job-batcher.ts).
 */
import { parentPort, workerData } from 'node:worker_threads'
import { InferenceEngine } from './engine.js'
import { asWorkerError } from './worker-error.js'
import { JobBatcher } from './job-batcher.js'
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerStartup } from './protocol.js'

const port = parentPort
if (!port) throw new Error('inference-worker must run in a worker thread')
const init = workerData as WorkerInit
const batcher = new JobBatcher(null, init.maxBatch)
let engine: InferenceEngine | null = null

function post(message: WorkerReply | WorkerStartup): void {
  port!.postMessage(message)
}

port.on('message', (message: WorkerRequest | 'close') => {
  if (message === 'close') {
    void (engine?.close() ?? Promise.resolve()).finally(() => port.close())
    return
  }
  const { id, texts } = message
  batcher.push({
    texts,
    done: (r) =>
      post(Array.isArray(r) ? { id, ok: true, results: r } : { id, ok: false, error: r }),
  })
})

InferenceEngine.create(init).then(
  (created) => {
    engine = created
    post(created.ready)
    batcher.attach(created)
  },
  (err: unknown) => post({ type: 'error', error: asWorkerError(err) }),
)
