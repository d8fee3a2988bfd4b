/**
 * Main-thread handle on one inference worker thread. Inference never runs on the event loop: the
 * worker owns the tokenizer and the ONNX session, and requests travel as messages.
 */
import { Worker } from 'node:worker_threads'
import { RouterError } from '../errors.js'
import type { ModelRunner } from './runner.js'
import { fromWorkerError } from './worker/worker-error.js'
import type {
  TaskResult,
  WorkerInit,
  WorkerReady,
  WorkerReply,
  WorkerStartup,
} from './worker/protocol.js'

const SOURCE_IS_TS = import.meta.url.endsWith('.ts')
const ENTRY = new URL(`./worker/inference-worker.${SOURCE_IS_TS ? 'ts' : 'js'}`, import.meta.url)

/**
 * Running from TypeScript sources (tsx), a worker needs the tsx loader too: module hooks registered
 * in the main thread (by `--import tsx` or bin/semantic-router.js) do not reach a worker's entry,
 * so the worker registers tsx itself before importing it.
 */
function spawn(init: WorkerInit): Worker {
  if (!SOURCE_IS_TS) return new Worker(ENTRY, { workerData: init })
  const api = import.meta.resolve('tsx/esm/api')
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ENTRY.href)}) })`
  return new Worker(boot, { eval: true, workerData: init })
}

interface Pending {
  resolve(results: TaskResult[]): void
  reject(err: Error): void
}

export class ModelWorker implements ModelRunner {
  readonly placement = 'worker'
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private dead: Error | null = null

  private constructor(
    private readonly worker: Worker,
    readonly ready: WorkerReady,
  ) {
    worker.on('message', (msg: WorkerReply) => this.onReply(msg))
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => this.fail(new Error(`inference worker exited with code ${code}`)))
    worker.unref()
  }

  static start(init: WorkerInit): Promise<ModelWorker> {
    const worker = spawn(init)
    return new Promise((resolve, reject) => {
      const onStartup = (msg: WorkerStartup): void => {
        worker.off('error', onError)
        if (msg.type === 'ready') {
          resolve(new ModelWorker(worker, msg))
          return
        }
        void worker.terminate()
        reject(fromWorkerError(msg.error))
      }
      const onError = (err: Error): void => {
        reject(
          new RouterError('inference_failed', `inference worker failed to start: ${err.message}`, {
            cause: err,
          }),
        )
      }
      worker.once('message', onStartup)
      worker.once('error', onError)
    })
  }

  get alive(): boolean {
    return this.dead === null
  }

  get load(): number {
    return this.pending.size
  }

  request(texts: readonly string[]): Promise<TaskResult[]> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    if (this.pending.size === 0) this.worker.ref()
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, texts })
    })
  }

  private onReply(msg: WorkerReply): void {
    const p = this.pending.get(msg.id)
    if (!p) return
    this.pending.delete(msg.id)
    if (this.pending.size === 0) this.worker.unref()
    if (msg.ok) p.resolve(msg.results)
    else p.reject(fromWorkerError(msg.error))
  }

  private fail(err: Error): void {
    if (this.dead) return
    this.dead = new RouterError('inference_failed', `inference worker died: ${err.message}`, {
      cause: err,
    })
    for (const p of this.pending.values()) p.reject(this.dead)
    this.pending.clear()
  }

  async close(): Promise<void> {
    if (this.dead) return
    this.dead = new RouterError('inference_failed', 'model was closed')
    for (const p of this.pending.values()) p.reject(this.dead)
    this.pending.clear()
    await this.worker.terminate()
  }
}
