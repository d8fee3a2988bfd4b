/**
 * Builds RuntimeServices from a config. This first version provides no models: the embedder is
 * unavailable and no guard detectors are configured. The ML engine replaces it with real model
 * loading (embedded defaults and user model folders).
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type { RuntimeServices } from './services.js'

export interface ServiceDeps {
  readonly log: Logger
  readonly metrics: RouterMetrics
  readonly baseDir: string
}

export function createRuntimeServices(
  _config: RouterConfig,
  deps: ServiceDeps,
): Promise<RuntimeServices> {
  return Promise.resolve({
    log: deps.log,
    metrics: deps.metrics,
    baseDir: deps.baseDir,
    embedder: () =>
      Promise.reject(
        new RouterError('classifier_failed', 'no sentence embedding model is available'),
      ),
    jailbreakDetector: () => Promise.resolve(null),
    piiDetector: () => Promise.resolve(null),
    close: () => Promise.resolve(),
  })
}
