/**
 * GET /api/v1/cache/stats — the semantic cache's state (ours; upstream had no cache endpoint):
 * backend, whether it is usable, hits/misses/hit ratio since start, bypasses, false-hit guard
 * rejections, entries and the backend's own details (partitions, table, storage bytes, ...).
 */
import type { ApiRoute } from '../types.js'

export const cacheStatsRoute: ApiRoute = {
  method: 'GET',
  path: '/api/v1/cache/stats',
  summary: 'Semantic cache statistics',
  handle: async (_req, ctx) => {
    const cache = ctx.runtime()?.services.openedSemanticCache()
    const enabled = ctx.runtime()?.config.semantic_cache.enabled ?? false
    if (cache === undefined) return { body: { enabled, available: false } }
    const r = await cache.report()
    return {
      body: {
        enabled,
        available: true,
        backend: r.backend,
        up: r.up,
        hits: r.hits,
        misses: r.misses,
        hit_ratio: Math.round(r.hitRatio * 10_000) / 10_000,
        bypasses: r.bypasses,
        verification_rejections: r.rejections,
        entries: r.stats?.entries ?? null,
        memory_bytes: r.stats?.memoryBytes ?? null,
        details: r.stats?.details ?? {},
        ...(r.error === undefined ? {} : { error: r.error }),
      },
    }
  },
}
