/**
 * GET /ready — readiness: 200 once the config is loaded and the classifiers and models are built,
 * 503 `NOT_READY` before (Kubernetes keeps traffic away until then) and again from the moment the
 * router starts shutting down (SIGTERM), while the gateway and ext_proc drain.
 */
import { RouterError } from '../../errors.js'
import { requireRuntime } from '../errors.js'
import type { ApiRoute } from '../types.js'

export const readyRoute: ApiRoute = {
  method: 'GET',
  path: '/ready',
  access: 'public',
  summary: 'Readiness probe (503 until the models are loaded)',
  handle: (_req, ctx) => {
    if (ctx.stopping?.() === true)
      throw new RouterError('not_ready', 'The router is shutting down (draining)')
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
