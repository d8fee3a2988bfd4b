/**
 * GET /ready — readiness: 200 once the config is loaded and the classifiers and models are built,
 * 503 `NOT_READY` before (Kubernetes keeps traffic away until then).
 */
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

export const readyRoute: ApiRoute = {
  method: 'GET',
  path: '/ready',
  access: 'public',
  summary: 'Readiness probe (503 until the models are loaded)',
  handle: (_req, ctx) => {
    const runtime = requireRuntime(ctx)
    return {
      body: {
        status: 'ready',
        config: { source: runtime.loaded.source, hash: runtime.loaded.hash },
        classifiers: runtime.pipeline.classifiers.kinds,
      },
    }
  },
}
