/**
 * POST /api/v1/cache/flush — remove cached answers (ours): all of them, or one model's with
 * `{"model": "qwen3-8b"}`. Answers `{"flushed": <entries removed>, "backend"}`. With a shared backend
 * (postgres, hybrid) this flushes the cache for every replica. The classification API listens on
 * loopback unless configured otherwise; expose it only to operators.
 */
import { RouterError } from '../../errors.js'
import type { ApiRoute } from '../types.js'

export const cacheFlushRoute: ApiRoute = {
  method: 'POST',
  path: '/api/v1/cache/flush',
  summary: 'Remove cached answers (all, or one model)',
  handle: async (req, ctx) => {
    const body = req.body ?? {}
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new RouterError('invalid_request', 'Request body must be a JSON object')
    const model = (body as Record<string, unknown>)['model']
    if (model !== undefined && (typeof model !== 'string' || model === ''))
      throw new RouterError('invalid_request', 'model must be a non-empty string', {
        param: 'model',
      })
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
