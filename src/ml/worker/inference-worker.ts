/**
 * Worker-thread entry: owns one InferenceEngine and answers requests from the main thread.
 *
 * Micro-batching without added latency: requests that arrive while a batch is running queue up, and
 * the next batch takes all of them at once (up to maxBatch texts). An idle worker runs a lone
 * request immediately; a busy one amortises one session.run over many requests.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { InferenceEngine, asWorkerError } from './engine.js'
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerStartup } from './protocol.js'

const port = parentPort
if (!port) throw new Error('inference-worker must run in a worker thread')
const init = workerData as WorkerInit
const queue: WorkerRequest[] = []
let engine: InferenceEngine | null = null
let running = false

function post(message: WorkerReply | WorkerStartup): void {
  port!.postMessage(message)
}

async function drain(): Promise<void> {
  if (running || !engine) return
  running = true
  try {
    while (queue.length > 0) {
      const jobs: WorkerRequest[] = []
      let texts = 0
      while (
        queue.length > 0 &&
        (jobs.length === 0 || texts + queue[0]!.texts.length <= init.maxBatch)
      ) {
        const job = queue.shift()!
        jobs.push(job)
        texts += job.texts.length
      }
      try {
        const results = await engine.runJobs(jobs.map((j) => j.texts))
        jobs.forEach((job, i) => {
          const r = results[i]!
          post(
            Array.isArray(r)
              ? { id: job.id, ok: true, results: r }
              : { id: job.id, ok: false, error: r },
          )
        })
      } catch (err) {
        const error = asWorkerError(err)
        for (const job of jobs) post({ id: job.id, ok: false, error })
      }
    }
  } finally {
    running = false
  }
}

port.on('message', (message: WorkerRequest | 'close') => {
  if (message === 'close') {
    void (engine?.close() ?? Promise.resolve()).finally(() => port.close())
    return
  }
  queue.push(message)
  void drain()
})

InferenceEngine.create(init).then(
  (created) => {
    engine = created
    post(created.ready)
    void drain()
  },
  (err: unknown) => post({ type: 'error', error: asWorkerError(err) }),
)
