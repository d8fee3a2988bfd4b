/**
 * POST /api/v1/cache/flush — remove cached answers (ours): all of them, or one model's with
 * `{"model": "qwen3-8b"}`. Answers `{"flushed": <entries removed>, "backend"}`. With a shared backend
 * (postgres, hybrid) this flushes the cache for every replica. The classification API listens on
 * loopback unless configured otherwise; expose it only to operators.
 */
import type { z } from 'zod'
import { RouterError } from '../../errors.js'
import { CACHE_FLUSH_REQUEST, CACHE_FLUSH_RESULT } from '../schemas/cache.js'
import type { ApiRoute } from '../types.js'

export const cacheFlushRoute: ApiRoute<z.output<typeof CACHE_FLUSH_REQUEST>> = {
  method: 'POST',
  path: '/api/v1/cache/flush',
  access: 'admin',
  summary: 'Remove cached answers (all, or one model)',
  schema: { request: CACHE_FLUSH_REQUEST, response: CACHE_FLUSH_RESULT },
  handle: async (req, ctx) => {
    const model = req.body?.model
    const cache = ctx.runtime()?.services.openedSemanticCache()
    if (cache === undefined)
      throw new RouterError(
        'cache_backend_unavailable',
        'No semantic cache is running (semantic_cache.enabled is false, or its backend is unavailable)',
      )
    const flushed = await cache.flush(model)
    ctx.log.info(
      { event: 'cache_flushed', backend: cache.name, model: model ?? null, flushed },
      'cache_flushed',
    )
    return { body: { flushed, backend: cache.name, ...(model === undefined ? {} : { model }) } }
  },
}
