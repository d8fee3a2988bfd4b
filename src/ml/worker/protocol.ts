/** Messages between the main thread and an inference worker (structured-clone safe). */
import type { EntitySpan } from '../postprocess.js'
import type { TokenVectors } from '../token-vectors.js'
import type { LongInputMode } from '../windows.js'

export type InferenceTask = 'sequence-classification' | 'token-classification' | 'embedding'

/** How chunk results of a sequence classifier combine into one distribution. */
export type ChunkAggregate = 'mean' | 'max-risk'

export interface WorkerInit {
  readonly onnxFile: string
  readonly tokenizerFile: string
  readonly task: InferenceTask
  /** Labels in output order (classifiers only). */
  readonly labels: readonly string[]
  readonly maxLength: number
  readonly longInput: LongInputMode
  readonly overlap: number
  readonly maxChunks: number
  /** Most windows fed to one session.run. */
  readonly maxBatch: number
  readonly intraOpThreads: number
  readonly interOpThreads: number
  readonly aggregate: ChunkAggregate
  /** For `max-risk`: the index of the benign label; the window with the least benign mass wins. */
  readonly benignIndex: number
  /** false: always use the native tokenizer (tests compare the two). Default true. */
  readonly fastTokenizer?: boolean
  /** The shared word-vector table, for a model that takes `word_vectors` as an input. */
  readonly tokenVectors?: TokenVectors
}

export interface SequenceResult {
  readonly probabilities: Float32Array
  readonly windows: number
}

export interface TokenResult {
  readonly entities: EntitySpan[]
  readonly windows: number
}

export interface EmbeddingResult {
  readonly vector: Float32Array
  readonly windows: number
}

export type TaskResult = SequenceResult | TokenResult | EmbeddingResult

export interface WorkerRequest {
  readonly id: number
  readonly texts: readonly string[]
}

export interface WorkerError {
  readonly code: string
  readonly message: string
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly results: TaskResult[] }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError }

export interface WorkerReady {
  readonly type: 'ready'
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  /** Output width: number of labels (classifiers) or embedding dimension. */
  readonly outputSize: number
  readonly loadMs: number
  /** Process RSS growth while the session was created (approximate: other threads allocate too). */
  readonly rssDelta: number
}

export type WorkerStartup = WorkerReady | { readonly type: 'error'; readonly error: WorkerError }
