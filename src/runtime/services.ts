/**
 * Shared components built from one config: the sentence embedder, the guard detectors and the
 * semantic cache. Modules and
 * classifiers get them from here instead of constructing their own, so one model is loaded once per
 * process. Getters are lazy: a config that never uses embeddings never loads an embedding model.
 */
import type { CacheHandle } from '../cache/open.js'
import type { SemanticCache } from '../cache/semantic-cache.js'
import type { Embedder } from '../embeddings/types.js'
import type { MessageJailbreakDetector, PiiDetector } from '../guards/types.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RouterState } from './state.js'

export interface RuntimeServices {
  readonly log: Logger
  readonly metrics: RouterMetrics
  /** Directory that relative paths in the config (model folders, tools_db) are resolved against. */
  readonly baseDir: string
  /** The embedder named by bert_model (or the embedded default). */
  embedder(): Promise<Embedder>
  /**
   * The prompt_guard detector (its `forRole` picks the detector for a message by role); null when
   * jailbreak detection is disabled in config.
   */
  jailbreakDetector(): Promise<MessageJailbreakDetector | null>
  /** The PII detector; null when PII detection is disabled in config. */
  piiDetector(): Promise<PiiDetector | null>
  /** State that outlives config reloads (cache stores, slots), shared by every runtime. */
  readonly state: RouterState
  /** The semantic cache this config describes, opened on first use; null when off or unavailable. */
  semanticCache(): Promise<CacheHandle | null>
  /** The semantic cache if something opened it (status pages must not open one). */
  openedSemanticCache(): SemanticCache | undefined
  /** Release models and workers. Idempotent. */
  close(): Promise<void>
}
