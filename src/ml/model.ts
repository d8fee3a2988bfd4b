/**
 * A loaded model: a folder, a task, and where it runs: a small pool of inference workers, or the
 * router's own thread for small models (runner.ts). Typed front ends for the
 * three tasks sit on top (sequence classification, token classification, sentence embedding).
 */
import { RouterError } from '../errors.js'
import type { ModelFolder } from './folder.js'
import { InProcessRunner } from './in-process-runner.js'
import { ModelWorker } from './model-worker.js'
import { tokenVectorsFor } from './token-vectors.js'
import type { ModelRunner, Placement } from './runner.js'
import type { EntitySpan } from './postprocess.js'
import type {
  ChunkAggregate,
  EmbeddingResult,
  InferenceTask,
  SequenceResult,
  TaskResult,
  TokenResult,
  WorkerInit,
} from './worker/protocol.js'
import type { LongInputMode } from './windows.js'

/** Process-level inference settings (config `inference:`). */
export interface InferenceSettings {
  /** onnxruntime intra-op threads per session. */
  readonly intraOpThreads: number
  readonly interOpThreads: number
  /** Worker threads per loaded model (placement `worker`). */
  readonly workersPerModel: number
  /**
   * `auto`: the router's thread for models of at most mainThreadMaxBytes whose full-length window
   * infers within mainThreadMaxWindowMs; worker threads otherwise.
   */
  readonly placement: Placement | 'auto'
  readonly mainThreadMaxBytes: number
  readonly mainThreadMaxWindowMs: number
  /** Most texts (windows) in one batched session.run. */
  readonly maxBatch: number
  /** Most windows a chunked input may need (0 = unlimited). */
  readonly maxChunks: number
  /** Tokens shared by neighbouring windows when chunking. */
  readonly chunkOverlap: number
}

export const DEFAULT_INFERENCE: InferenceSettings = {
  intraOpThreads: 1,
  interOpThreads: 1,
  workersPerModel: 1,
  placement: 'auto',
  mainThreadMaxBytes: 24 * 1024 * 1024,
  mainThreadMaxWindowMs: 2,
  maxBatch: 32,
  maxChunks: 256,
  chunkOverlap: 64,
}

export interface ModelSpec {
  readonly folder: ModelFolder
  readonly task: InferenceTask
  /** Output labels (from the mapping file or id2label); empty for embeddings. */
  readonly labels: readonly string[]
  readonly longInput: LongInputMode
  readonly aggregate?: ChunkAggregate
  /** Label treated as benign by `max-risk` chunk aggregation. */
  readonly benignLabel?: string
}

export interface ModelInfo {
  readonly dir: string
  readonly onnxFile: string
  readonly task: InferenceTask
  readonly modelType: string
  readonly labels: readonly string[]
  readonly maxLength: number
  readonly outputSize: number
  readonly loadMs: number
  readonly fileBytes: number
  readonly rssDeltaBytes: number
  /** `main`: runs on the router's thread; `worker`: on `workers` worker threads. */
  readonly placement: Placement
  readonly workers: number
}

export class LoadedModel {
  private constructor(
    private readonly init: WorkerInit,
    private readonly workers: ModelRunner[],
    readonly info: ModelInfo,
  ) {}

  static async load(
    spec: ModelSpec,
    settings: InferenceSettings = DEFAULT_INFERENCE,
  ): Promise<LoadedModel> {
    const benignIndex = spec.benignLabel === undefined ? -1 : spec.labels.indexOf(spec.benignLabel)
    const tokenVectors = tokenVectorsFor(spec.folder)
    const init: WorkerInit = {
      onnxFile: spec.folder.onnxFile,
      tokenizerFile: spec.folder.tokenizerFile,
      task: spec.task,
      labels: spec.labels,
      maxLength: spec.folder.maxLength,
      longInput: spec.longInput,
      overlap: settings.chunkOverlap,
      maxChunks: settings.maxChunks,
      maxBatch: settings.maxBatch,
      intraOpThreads: settings.intraOpThreads,
      interOpThreads: settings.interOpThreads,
      aggregate: benignIndex < 0 ? 'mean' : (spec.aggregate ?? 'mean'),
      benignIndex: Math.max(0, benignIndex),
      ...(tokenVectors && { tokenVectors }),
    }
    const { placement, workers } = await place(init, spec, settings)
    const count = workers.length
    const first = workers[0]!.ready
    return new LoadedModel(init, workers, {
      dir: spec.folder.dir,
      onnxFile: spec.folder.onnxFile,
      task: spec.task,
      modelType: spec.folder.modelType,
      labels: spec.labels,
      maxLength: spec.folder.maxLength,
      outputSize: first.outputSize,
      loadMs: Math.max(...workers.map((w) => w.ready.loadMs)),
      fileBytes: spec.folder.onnxBytes,
      rssDeltaBytes: workers.reduce((sum, w) => sum + w.ready.rssDelta, 0),
      placement,
      workers: placement === 'main' ? 0 : count,
    })
  }

  /** Run texts through the least busy runner, restarting a worker that died. */
  async run(texts: readonly string[], signal?: AbortSignal): Promise<TaskResult[]> {
    signal?.throwIfAborted()
    let index = 0
    for (let i = 1; i < this.workers.length; i++) {
      if (this.workers[i]!.load < this.workers[index]!.load) index = i
    }
    let worker = this.workers[index]!
    if (!worker.alive) {
      worker = await (worker.placement === 'main' ? InProcessRunner : ModelWorker).start(this.init)
      this.workers[index] = worker
    }
    const work = worker.request(texts)
    if (!signal) return work
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error)
      signal.addEventListener('abort', onAbort, { once: true })
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()))
  }
}

/**
 * Start the model where it should run. `auto` tries the main thread for a small file and keeps it
 * there only if one full-length window is fast, so a small but deep model (a quantized transformer)
 * still goes to workers and never blocks the event loop on long inputs.
 */
async function place(
  init: WorkerInit,
  spec: ModelSpec,
  settings: InferenceSettings,
): Promise<{ placement: Placement; workers: ModelRunner[] }> {
  const workerCount = Math.max(1, settings.workersPerModel)
  const onWorkers = async () => ({
    placement: 'worker' as const,
    workers: await startAll(init, workerCount, 'worker'),
  })
  if (settings.placement === 'worker') return onWorkers()
  if (settings.placement === 'main')
    return { placement: 'main', workers: await startAll(init, 1, 'main') }
  if (spec.folder.onnxBytes > settings.mainThreadMaxBytes) return onWorkers()
  const runner = await InProcessRunner.start(init)
  const window = settings.mainThreadMaxWindowMs
  if ((await runner.timeFullWindow(window)) <= window)
    return { placement: 'main', workers: [runner] }
  await runner.close()
  return onWorkers()
}

async function startAll(
  init: WorkerInit,
  count: number,
  placement: Placement,
): Promise<ModelRunner[]> {
  const start = (): Promise<ModelRunner> =>
    placement === 'main' ? InProcessRunner.start(init) : ModelWorker.start(init)
  const started = await Promise.allSettled(Array.from({ length: count }, start))
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) {
    await Promise.all(
      started.map((s) => (s.status === 'fulfilled' ? s.value.close() : Promise.resolve())),
    )
    throw failed.reason instanceof Error
      ? failed.reason
      : new RouterError('inference_failed', String(failed.reason))
  }
  return started.map((s) => (s as PromiseFulfilledResult<ModelRunner>).value)
}

export interface Classification {
  readonly labels: readonly string[]
  readonly probabilities: Float32Array
  readonly top: string
  readonly confidence: number
  readonly windows: number
}

export function toClassification(labels: readonly string[], r: TaskResult): Classification {
  const { probabilities, windows } = r as SequenceResult
  let best = 0
  for (let i = 1; i < probabilities.length; i++)
    if (probabilities[i]! > probabilities[best]!) best = i
  return { labels, probabilities, top: labels[best]!, confidence: probabilities[best]!, windows }
}

export interface Entity extends EntitySpan {
  readonly value: string
}

export function toEntities(text: string, r: TaskResult): Entity[] {
  return (r as TokenResult).entities.map((e) => ({ ...e, value: text.slice(e.start, e.end) }))
}

export function toVector(r: TaskResult): Float32Array {
  return (r as EmbeddingResult).vector
}
