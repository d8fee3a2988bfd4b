/**
 * Builds RuntimeServices from a config. This first version provides no models: the embedder is
 * unavailable; the guard detectors are the embedded ones (src/guards/build.ts). The ML engine replaces it with real model
 * loading (embedded defaults and user model folders).
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import { createJailbreakDetector, createPiiDetector } from '../guards/build.js'
import type { JailbreakDetector, PiiDetector } from '../guards/types.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RuntimeServices } from './services.js'

export interface ServiceDeps {
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly baseDir: string
}

export function createRuntimeServices(
  config: RouterConfig,
  deps: ServiceDeps,
): Promise<RuntimeServices> {
  // Guards are built on first use and shared by the pipeline modules and the classification API.
  let jailbreak: Promise<JailbreakDetector | null> | undefined
  let pii: Promise<PiiDetector> | undefined
  return Promise.resolve({
    log: deps.log,
    metrics: deps.metrics,
    baseDir: deps.baseDir,
    embedder: () =>
      Promise.reject(
        new RouterError('classifier_failed', 'no sentence embedding model is available'),
      ),
    jailbreakDetector: () => (jailbreak ??= createJailbreakDetector(config)),
    piiDetector: () => (pii ??= createPiiDetector(config)),
    close: async () => {
      const detectors = await Promise.allSettled([jailbreak, pii])
      for (const d of detectors) if (d.status === 'fulfilled') await d.value?.close?.()
    },
  })
}
