/**
 * Runs a model on the router's own thread. For the embedded models (linear classifiers over token
 * features, ~50 µs per session.run) a worker round trip — two structured-clone messages and a
 * thread wake-up — costs more CPU and latency than the inference itself. Tokenisation still runs
 * off the event loop (the tokenizers binding works on libuv's thread pool); concurrent requests are
 * batched exactly as in a worker.
 */
import { RouterError } from '../errors.js'
import type { ModelRunner } from './runner.js'
import { fromWorkerError } from './worker/worker-error.js'
import type { InferenceEngine } from './worker/engine.js'
import { JobBatcher } from './worker/job-batcher.js'
import type { TaskResult, WorkerInit, WorkerReady } from './worker/protocol.js'

interface Waiting {
  reject(err: Error): void
}

export class InProcessRunner implements ModelRunner {
  readonly placement = 'main'
  private readonly waiting = new Set<Waiting>()
  private closed: RouterError | null = null

  private constructor(
    private readonly engine: InferenceEngine,
    private readonly batcher: JobBatcher,
  ) {}

  static async start(init: WorkerInit): Promise<InProcessRunner> {
    // Loaded on first use: a router that never runs a model on this thread never maps onnxruntime
    // and the tokenizer binding into its memory.
    const { InferenceEngine } = await import('./worker/engine.js')
    const engine = await InferenceEngine.create(init)
    return new InProcessRunner(engine, new JobBatcher(engine, init.maxBatch))
  }

  /** See InferenceEngine.timeFullWindow. */
  timeFullWindow(enough?: number): Promise<number> {
    return this.engine.timeFullWindow(enough)
  }

  get ready(): WorkerReady {
    return this.engine.ready
  }

  get alive(): boolean {
    return this.closed === null
  }

  get load(): number {
    return this.waiting.size
  }

  request(texts: readonly string[]): Promise<TaskResult[]> {
    if (this.closed) return Promise.reject(this.closed)
    return new Promise((resolve, reject) => {
      const entry: Waiting = { reject }
      this.waiting.add(entry)
      this.batcher.push({
        texts,
        done: (r) => {
          // Already rejected by close(): the result has nowhere to go.
          if (!this.waiting.delete(entry)) return
          if (Array.isArray(r)) resolve(r)
          else reject(fromWorkerError(r))
        },
      })
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = new RouterError('inference_failed', 'model was closed')
    for (const w of this.waiting) w.reject(this.closed)
    this.waiting.clear()
    await this.batcher.idle()
    await this.engine.close()
  }
}
