/**
 * `inference:` (ours) — how models are loaded and run: thread counts, batching, the long-input
 * rule, where pulled models live, and whether a missing model is fatal.
 */
import { z } from 'zod'

export const inferenceSchema = z.strictObject({
  /**
   * A configured model that is missing, corrupt or fails its lock-file checksum stops start-up
   * (true), or is replaced by the embedded default with a warning and a metric (false).
   */
  strict_models: z.boolean().default(false),
  /** onnxruntime intra-op threads per model session. */
  intra_op_threads: z.number().int().min(1).max(64).default(1),
  inter_op_threads: z.number().int().min(1).max(64).default(1),
  /** Worker threads per loaded model (parallel sessions), for models placed on workers. */
  workers_per_model: z.number().int().min(1).max(16).default(1),
  /**
   * Where inference runs: `worker` (worker threads; the event loop never runs a model), `main`
   * (the router's thread), or `auto`: main for models whose ONNX file is at most
   * `main_thread_max_mb` and whose full-length window infers within `main_thread_max_window_ms`
   * (the embedded linear models, where a worker round trip costs more than the inference),
   * workers for anything else.
   */
  placement: z.enum(['auto', 'worker', 'main']).default('auto'),
  main_thread_max_mb: z.number().min(0).max(1024).default(24),
  main_thread_max_window_ms: z.number().min(0).max(1000).default(2),
  /** Most texts or windows in one batched inference call. */
  max_batch: z.number().int().min(1).max(1024).default(32),
  /** Most windows a guard may need to scan one text completely; more is refused (0 = no limit). */
  max_chunks: z.number().int().min(0).default(256),
  /** Tokens shared by neighbouring windows when a guard chunks a long text. */
  chunk_overlap: z.number().int().min(0).default(64),
  /** Which ONNX file to prefer in a model folder: fp32, a quantized variant, or auto (fp32 first). */
  onnx_variant: z.enum(['auto', 'fp32', 'quantized']).default('auto'),
  /** Where `semantic-router models pull` stores models and its lock file (relative: to the config). */
  model_cache_dir: z.string().default('models'),
  /** Check pulled models against models.lock.json sha256 sums at start-up. */
  verify_checksums: z.boolean().default(true),
})

export type InferenceConfig = z.infer<typeof inferenceSchema>
