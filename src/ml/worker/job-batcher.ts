/**
 * Micro-batching without added latency, shared by the inference worker and the in-process runner:
 * jobs that arrive while a batch is running queue up, and the next batch takes all of them at once
 * (up to maxBatch texts). An idle engine runs a lone job immediately; a busy one amortises one
 * tokenizer call and one session.run over many jobs.
 */
import type { InferenceEngine } from './engine.js'
import { asWorkerError } from './worker-error.js'
import type { TaskResult, WorkerError } from './protocol.js'

export interface BatchJob {
  readonly texts: readonly string[]
  done(result: TaskResult[] | WorkerError): void
}

export class JobBatcher {
  private readonly queue: BatchJob[] = []
  private running = false
  private current: Promise<void> = Promise.resolve()
  private engine: InferenceEngine | null

  constructor(
    engine: InferenceEngine | null,
    private readonly maxBatch: number,
  ) {
    this.engine = engine
  }

  /** Jobs pushed before the engine exists wait for it. */
  attach(engine: InferenceEngine): void {
    this.engine = engine
    this.drain()
  }

  push(job: BatchJob): void {
    this.queue.push(job)
    this.drain()
  }

  /** Resolves once no batch is running (a session must not be released under a run). */
  async idle(): Promise<void> {
    while (this.running) await this.current
  }

  private drain(): void {
    if (this.running || !this.engine) return
    this.running = true
    this.current = this.runQueued(this.engine)
  }

  private async runQueued(engine: InferenceEngine): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const jobs: BatchJob[] = []
        let texts = 0
        while (
          this.queue.length > 0 &&
          (jobs.length === 0 || texts + this.queue[0]!.texts.length <= this.maxBatch)
        ) {
          const job = this.queue.shift()!
          jobs.push(job)
          texts += job.texts.length
        }
        try {
          const results = await engine.runJobs(jobs.map((j) => j.texts))
          jobs.forEach((job, i) => job.done(results[i]!))
        } catch (err) {
          const error = asWorkerError(err)
          for (const job of jobs) job.done(error)
        }
      }
    } finally {
      this.running = false
    }
  }
}
