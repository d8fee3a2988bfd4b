/**
 * Sentence embeddings from an ONNX model folder (the embedded lexical model or a user's
 * sentence-transformers export) through the ML runtime: mean pooling + L2 norm, or the model's
 * own `sentence_embedding` output. Concurrent calls are micro-batched by the model's worker.
 */
import { toVector, type ModelInfo } from '../ml/model.js'
import type { ModelLease } from '../ml/registry.js'
import type { Embedder } from './types.js'

export class OnnxEmbedder implements Embedder {
  readonly kind = 'onnx'

  constructor(
    private readonly lease: ModelLease,
    /** Reported as `model_used`. */
    readonly model: string,
  ) {}

  /** Load time, memory and folder of the model (for /info/models and the embeddings API). */
  get info(): ModelInfo {
    return this.lease.model.info
  }

  get dimension(): number {
    return this.lease.model.info.outputSize
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return []
    const results = await this.lease.model.run(texts, signal)
    return results.map(toVector)
  }

  close(): Promise<void> {
    return this.lease.release()
  }
}
