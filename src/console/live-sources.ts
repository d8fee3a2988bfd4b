/**
 * Columns the models and endpoints tables get from the router's own live state (both kept by the
 * process, whether or not a console is open):
 *
 * - outlier detection (RouterState.endpointStats, src/runtime/endpoint-stats.ts): each endpoint's
 *   state (healthy, ejected, cooling_down, half_open, unhealthy), how long an ejection or a
 *   Retry-After cool-down still lasts, ejections so
 *   far, failures in a row, picks, requests in flight and vLLM's own queue when scraped;
 * - model selection (Selection.live, src/routing/selection/live.ts): per model the measurements
 *   latency-aware and multi-factor selectors read (TTFT and time per output token percentiles over
 *   the selection window) and the learned scores of Elo and bandit selectors, per decision.
 *
 * Only numbers and names: nothing from a request.
 */
import type { EndpointStats } from '../runtime/endpoint-stats.js'
import type { SelectionLive } from '../routing/selection/types.js'
import type { StatusSource } from './status-tables.js'

/** Learned scores are read from the state store at most this often. */
const SCORES_EVERY_MS = 5_000
/** Decisions listed per model in the learned-scores cell (the most-rated first). */
const SCORES_PER_MODEL = 3

/** Ejections, failures and load per endpoint, from the process's outlier detection. */
export function resilienceSource(stats: EndpointStats): StatusSource {
  return {
    endpointColumns: [
      {
        key: 'outlier',
        label: 'outlier state',
        format: 'health',
        title:
          'outlier detection: healthy, ejected, cooling_down (Retry-After), half_open (probing), unhealthy',
      },
      {
        key: 'ejectedFor',
        label: 'out for',
        format: 'ms',
        title: 'time left of the current ejection or Retry-After cool-down',
      },
      { key: 'ejections', label: 'ejections', format: 'int', title: 'since the router started' },
      {
        key: 'failStreak',
        label: 'failures in a row',
        format: 'int',
        title: 'connect errors, 5xx and timeouts since the last success',
      },
      { key: 'picks', label: 'picks', format: 'int', title: 'times chosen since start' },
      {
        key: 'routerInflight',
        label: 'in flight (all)',
        format: 'int',
        title: 'every request in flight to it, console open or not',
      },
      { key: 'vllm', label: 'vLLM queue', format: 'text', title: 'running / waiting, KV cache' },
    ],
    endpoint(name) {
      const load = stats.snapshot().get(name)
      if (!load)
        return {
          outlier: 'healthy',
          ejectedFor: null,
          ejections: 0,
          failStreak: 0,
          picks: 0,
          routerInflight: 0,
          vllm: null,
        }
      const now = performance.now()
      const v = load.vllm
      return {
        outlier: load.health(now),
        ejectedFor: outFor(load, now),
        ejections: load.ejections,
        failStreak: load.consecutiveFailures,
        picks: load.picks,
        routerInflight: load.inFlight,
        vllm: v ? `${v.running} / ${v.waiting}, KV ${Math.round(v.kvCacheUsage * 100)} %` : null,
      }
    },
  }
}

interface LearnedCell {
  readonly decision: string
  readonly rating: number
  readonly mean: number
  readonly feedback: number
}

/** What the model selectors measure and learn, for the serving runtime's selection. */
export function selectionSource(live: () => SelectionLive | undefined): StatusSource {
  let learned = new Map<string, LearnedCell[]>()
  let learnedAt = -Infinity
  return {
    modelColumns: [
      {
        key: 'selTtft',
        label: 'TTFT p50 (selection)',
        format: 'ms',
        title: 'over the selection window (latency_aware, multi_factor read it)',
      },
      {
        key: 'selTpot',
        label: 'TPOT p50',
        format: 'ms',
        title: 'time per output token, over the selection window',
      },
      {
        key: 'selSamples',
        label: 'window',
        format: 'int',
        title: 'finished requests in the selection window',
      },
      {
        key: 'learned',
        label: 'learned scores',
        format: 'text',
        title: 'per decision: Elo rating · bandit mean (feedback count), from the state store',
      },
    ],
    async prepare() {
      const current = live()
      if (!current || performance.now() - learnedAt < SCORES_EVERY_MS) return
      learnedAt = performance.now()
      try {
        const scores = await current.learning.exportScores()
        const next = new Map<string, LearnedCell[]>()
        for (const d of scores.decisions)
          for (const [model, s] of Object.entries(d.models)) {
            const cells = next.get(model) ?? []
            cells.push({
              decision: d.decision,
              rating: s.rating,
              mean: s.mean,
              feedback: s.feedback,
            })
            next.set(model, cells)
          }
        learned = next
      } catch {
        // The state store is away: keep the last scores (the selectors log the store error).
      }
    },
    model(name) {
      const stats = live()?.stats
      const cells = [...(learned.get(name) ?? [])].sort((a, b) => b.feedback - a.feedback)
      return {
        selTtft: stats?.percentile(name, 'ttft', 50) ?? null,
        selTpot: stats?.percentile(name, 'tpot', 50) ?? null,
        selSamples: stats?.samples(name) ?? 0,
        learned:
          cells.length === 0
            ? null
            : cells
                .slice(0, SCORES_PER_MODEL)
                .map(
                  (c) =>
                    `${c.decision}: ${Math.round(c.rating)} · ${c.mean.toFixed(2)} (${c.feedback})`,
                )
                .join('; ') +
              (cells.length > SCORES_PER_MODEL ? `; +${cells.length - SCORES_PER_MODEL}` : ''),
      }
    },
  }
}

/** Time left of an ejection or cool-down, whichever ends later (null: neither). */
function outFor(load: { ejectedUntil: number; coolingUntil: number }, now: number): number | null {
  const until = Math.max(load.ejectedUntil, load.coolingUntil)
  return now < until ? Math.round(until - now) : null
}
