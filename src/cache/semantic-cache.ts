/**
 * SemanticCache: a backend wrapped with everything that makes it safe to put on the request path.
 *
 *  - Every backend call has a deadline; a failure or timeout is a *bypass* (the request goes upstream
 *    as if there were no cache), logged and counted, never an error for the client.
 *  - After `failure_threshold` consecutive failures the backend is skipped for `cooldown_ms` (a dead
 *    database must not add a timeout to every request), then tried again.
 *  - Vector matches go through the false-hit guard before they count as hits.
 *  - Metrics: upstream's llm_cache_* series plus hit ratio, rejections, evictions, bypasses.
 */
import type { Logger } from '../log.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import type {
  BackendStats,
  CacheBackend,
  EvictionReason,
  NewEntry,
  PartitionKey,
  StoredEntry,
} from './types.js'
import type { QueryVerifier, RejectionReason } from './verify/verifier.js'

export interface SemanticCacheSettings {
  readonly lookupTimeoutMs: number
  readonly writeTimeoutMs: number
  readonly failureThreshold: number
  readonly cooldownMs: number
  /** Candidates fetched per lookup, so a rejected best match can fall back to the next one. */
  readonly candidates: number
}

export interface LookupRequest extends PartitionKey {
  readonly query: string
  readonly embedding: Float32Array
  readonly threshold: number
}

export type BypassReason = 'error' | 'timeout' | 'circuit_open' | 'embedding_error'

export type LookupOutcome =
  | { readonly kind: 'hit'; readonly entry: StoredEntry; readonly similarity: number }
  | {
      readonly kind: 'miss'
      /** Best vector similarity seen (undefined when nothing was above the threshold). */
      readonly bestSimilarity?: number
      readonly rejected: readonly RejectionReason[]
    }
  | { readonly kind: 'bypass'; readonly reason: BypassReason }

export interface CacheStatsReport {
  readonly backend: string
  readonly up: boolean
  readonly hits: number
  readonly misses: number
  readonly hitRatio: number
  readonly bypasses: number
  readonly rejections: number
  readonly stats?: BackendStats
  readonly error?: string
}

class DeadlineExceeded extends Error {}

const LOG_EVERY_MS = 10_000

export class SemanticCache {
  private consecutiveFailures = 0
  private openUntil = 0
  private hits = 0
  private misses = 0
  private bypasses = 0
  private rejections = 0
  private lastFailureLog = 0
  private readonly entriesTimer: NodeJS.Timeout

  constructor(
    readonly backend: CacheBackend,
    private readonly settings: SemanticCacheSettings,
    private readonly metrics: RouterMetrics,
    private readonly log: Logger,
  ) {
    metrics.cacheBackendUp.set({ backend: backend.name }, 1)
    this.entriesTimer = setInterval(() => void this.refreshEntries(), 15_000)
    this.entriesTimer.unref()
  }

  get name(): string {
    return this.backend.name
  }

  /** Called by the backend (through the build options) when entries leave the cache. */
  static evictionRecorder(metrics: RouterMetrics, backend: string) {
    return (reason: EvictionReason, count: number): void =>
      metrics.cacheEvictions.inc({ backend, reason }, count)
  }

  async lookup(request: LookupRequest, verifier: QueryVerifier): Promise<LookupOutcome> {
    const found = await this.call('find_similar_threshold', this.settings.lookupTimeoutMs, () =>
      this.backend.search({ ...request, limit: this.settings.candidates }),
    )
    if (!found.ok) return { kind: 'bypass', reason: found.reason }
    const rejected: RejectionReason[] = []
    for (const candidate of found.value) {
      const verdict = verifier.verify(request.query, candidate.entry.query)
      if (verdict.ok) {
        this.recordOutcome(true, 'hit')
        return { kind: 'hit', entry: candidate.entry, similarity: candidate.similarity }
      }
      rejected.push(verdict.reason)
      this.rejections++
      this.metrics.cacheVerificationRejections.inc({ reason: verdict.reason })
    }
    this.recordOutcome(false, 'miss')
    return {
      kind: 'miss',
      rejected,
      ...(found.value[0] ? { bestSimilarity: found.value[0].similarity } : {}),
    }
  }

  /** Record a hit on an entry (LRU/LFU bookkeeping). Never throws. */
  async touch(id: string): Promise<void> {
    await this.call('touch', this.settings.writeTimeoutMs, () => this.backend.touch(id))
  }

  /** Store an answer; false when the backend failed (the answer was still served). */
  async store(entry: NewEntry): Promise<boolean> {
    const done = await this.call('add_entry', this.settings.writeTimeoutMs, () =>
      this.backend.insert(entry),
    )
    if (done.ok && !this.backend.capabilities.shared) await this.refreshEntries()
    return done.ok
  }

  /** Count a hit or miss decided outside lookup (coalesced waiters). */
  countOutcome(hit: boolean): void {
    this.recordOutcome(hit, undefined)
  }

  async flush(model?: string): Promise<number> {
    const removed = await this.backend.clear(model)
    this.metrics.cacheEvictions.inc({ backend: this.backend.name, reason: 'flush' }, removed)
    await this.refreshEntries()
    return removed
  }

  async report(): Promise<CacheStatsReport> {
    const base = {
      backend: this.backend.name,
      up: !this.circuitOpen(),
      hits: this.hits,
      misses: this.misses,
      hitRatio: this.ratio(),
      bypasses: this.bypasses,
      rejections: this.rejections,
    }
    try {
      const stats = await this.backend.stats()
      this.metrics.cacheEntries.set({ backend: this.backend.name }, stats.entries)
      return { ...base, stats }
    } catch (err) {
      return { ...base, error: String(err) }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.entriesTimer)
    await this.backend.close()
  }

  private ratio(): number {
    const total = this.hits + this.misses
    return total === 0 ? 0 : this.hits / total
  }

  private recordOutcome(hit: boolean, status: 'hit' | 'miss' | undefined): void {
    if (hit) {
      this.hits++
      this.metrics.cacheHits.inc()
    } else {
      this.misses++
      this.metrics.cacheMisses.inc()
    }
    if (status !== undefined)
      this.metrics.cacheOperations.inc({
        backend: this.backend.name,
        operation: 'find_similar_threshold',
        status,
      })
    this.metrics.cacheHitRatio.set(this.ratio())
  }

  private circuitOpen(): boolean {
    return this.openUntil > Date.now()
  }

  /** Run one backend operation under a deadline and the circuit breaker. */
  private async call<T>(
    operation: string,
    timeoutMs: number,
    fn: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: BypassReason }> {
    const backend = this.backend.name
    if (this.circuitOpen()) return this.bypass('circuit_open')
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    try {
      const value = await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DeadlineExceeded()), timeoutMs)
        }),
      ])
      this.metrics.cacheOperationDuration.observe(
        { backend, operation },
        (performance.now() - started) / 1000,
      )
      if (operation !== 'find_similar_threshold')
        this.metrics.cacheOperations.inc({ backend, operation, status: 'success' })
      if (this.consecutiveFailures >= this.settings.failureThreshold) {
        this.log.info({ event: 'cache_backend_recovered', backend }, 'cache_backend_recovered')
        this.metrics.cacheBackendUp.set({ backend }, 1)
      }
      this.consecutiveFailures = 0
      return { ok: true, value }
    } catch (err) {
      const reason = err instanceof DeadlineExceeded ? 'timeout' : 'error'
      this.metrics.cacheOperations.inc({ backend, operation, status: reason })
      this.fail(operation, reason, err)
      return this.bypass(reason)
    } finally {
      clearTimeout(timer)
    }
  }

  private bypass(reason: BypassReason): { ok: false; reason: BypassReason } {
    this.bypasses++
    this.metrics.cacheBypasses.inc({ backend: this.backend.name, reason })
    return { ok: false, reason }
  }

  private fail(operation: string, reason: 'timeout' | 'error', err: unknown): void {
    const backend = this.backend.name
    this.consecutiveFailures++
    const tripped = this.consecutiveFailures >= this.settings.failureThreshold
    if (tripped) {
      this.openUntil = Date.now() + this.settings.cooldownMs
      this.metrics.cacheBackendUp.set({ backend }, 0)
    }
    const now = Date.now()
    if (now - this.lastFailureLog < LOG_EVERY_MS && !tripped) return
    this.lastFailureLog = now
    this.log.warn(
      {
        event: 'cache_backend_failed',
        backend,
        operation,
        reason,
        error: err instanceof Error ? err.message : String(err),
        consecutive_failures: this.consecutiveFailures,
        bypassing_for_ms: tripped ? this.settings.cooldownMs : 0,
      },
      'cache_backend_failed',
    )
  }

  private async refreshEntries(): Promise<void> {
    if (this.circuitOpen()) return
    try {
      const stats = await this.backend.stats()
      this.metrics.cacheEntries.set({ backend: this.backend.name }, stats.entries)
    } catch {
      // Reported by the request path; the gauge keeps its last value.
    }
  }
}
