/**
 * Upstream's batch classification metrics for POST /api/v1/classify/batch, recorded as
 * `api.batch_classification.metrics` says (docs/metrics.md#batch-classification-api):
 *
 * - nothing at all unless `enabled`;
 * - `batch_classification_requests_total` once per request, `..._errors_total{error_type}` once per
 *   failed one (upstream's error types, plus `too_many_texts` and `timeout` of ours);
 * - `..._texts_total` and `..._size_distribution` when classification starts,
 *   `..._duration_seconds{batch_size_range}` when it ends; the two histograms only for a
 *   `sample_rate` share of requests (counters stay exact so rates and ratios are right);
 * - with `detailed_goroutine_tracking`, `..._concurrent_goroutines{batch_id}`: the texts of each
 *   running batch still being classified. Node has no goroutines; the texts of a batch run as
 *   concurrent async tasks (model inference on the worker threads), which is what this counts.
 *   `batch_id` is a slot number reused by later batches — at most as many series as batches ever
 *   ran at once — never a request id.
 *
 * There is one processing path, reported as upstream's `unified`.
 */
import type { RouterConfig } from '../config/schema/index.js'
import { RouterError } from '../errors.js'
import {
  DEFAULT_BATCH_DURATION_BUCKETS,
  DEFAULT_BATCH_SIZE_BUCKETS,
} from '../metrics/batch-classification-metrics.js'
import type { RouterMetrics } from '../metrics/router-metrics.js'
import { SlotPool } from '../runtime/state.js'

export const PROCESSING_TYPE = 'unified'

export interface BatchSizeRange {
  readonly min: number
  /** -1: no upper bound. */
  readonly max: number
  readonly label: string
}

/** Upstream's default ranges. */
export const DEFAULT_BATCH_SIZE_RANGES: readonly BatchSizeRange[] = [
  { min: 1, max: 1, label: '1' },
  { min: 2, max: 5, label: '2-5' },
  { min: 6, max: 10, label: '6-10' },
  { min: 11, max: 20, label: '11-20' },
  { min: 21, max: 50, label: '21-50' },
  { min: 51, max: -1, label: '50+' },
]

export interface BatchMetricsSettings {
  readonly enabled: boolean
  readonly detailedTracking: boolean
  readonly sampleRate: number
  readonly ranges: readonly BatchSizeRange[]
  readonly durationBuckets: readonly number[]
  readonly sizeBuckets: readonly number[]
}

const buckets = (given: readonly number[] | undefined, fallback: readonly number[]) =>
  given && given.length > 0 ? [...new Set(given)].sort((a, b) => a - b) : fallback

export function batchMetricsSettings(config: RouterConfig | undefined): BatchMetricsSettings {
  const m = config?.api?.batch_classification?.metrics
  return {
    enabled: m?.enabled ?? false,
    detailedTracking: m?.detailed_goroutine_tracking ?? false,
    sampleRate: m?.sample_rate ?? 1,
    ranges: m?.batch_size_ranges?.length ? m.batch_size_ranges : DEFAULT_BATCH_SIZE_RANGES,
    durationBuckets: buckets(m?.duration_buckets, DEFAULT_BATCH_DURATION_BUCKETS),
    sizeBuckets: buckets(m?.size_buckets, DEFAULT_BATCH_SIZE_BUCKETS),
  }
}

/** The `batch_size_range` label of a batch of `size` texts (`unknown` if no range holds it). */
export function batchSizeRange(size: number, ranges: readonly BatchSizeRange[]): string {
  const r = ranges.find((x) => size >= x.min && (x.max < 0 || size <= x.max))
  return r?.label ?? 'unknown'
}

/** A validation error that names its upstream `error_type` (read by batchErrorType). */
export function batchRequestError(errorType: string, message: string, param: string): RouterError {
  return new RouterError('invalid_request', message, { param, details: { error_type: errorType } })
}

/**
 * Upstream's `error_type` for a failed batch request. `rejected`: the server failed it before or
 * instead of the handler (body unreadable, not JSON or refused by the schema, out of time);
 * otherwise the handler threw.
 */
export function batchErrorType(err: RouterError, rejected = false): string {
  if (err.code === 'processing_timeout') return 'timeout'
  if (err.code === 'invalid_json') return 'invalid_json'
  // A body the request schema refused names its type (routes/classify-batch.ts).
  const named = (err.details as { error_type?: unknown } | undefined)?.error_type
  if (typeof named === 'string') return named
  if (rejected) return 'read_body_failed'
  if (err.code === 'not_ready') return 'classifier_unavailable'
  if (err.code === 'invalid_request') return 'parse_request_failed'
  return 'classification_failed'
}

/**
 * One batch request's metrics. Once `signal` is aborted the server has failed the request (out of
 * time, client gone) and records it through the route's `rejected` hook, so this records nothing
 * more (it still frees its concurrency slot).
 */
export class BatchObservation {
  private readonly started = performance.now()
  private readonly sampled: boolean
  private slot: number | undefined
  private inFlight = 0

  constructor(
    private readonly metrics: RouterMetrics,
    private readonly settings: BatchMetricsSettings,
    private readonly signal?: AbortSignal,
    /** `batch_id` slots (the router state's; the lowest free number is reused). */
    private readonly slots: SlotPool = new SlotPool(),
  ) {
    this.sampled = settings.sampleRate >= 1 || Math.random() < settings.sampleRate
    if (settings.enabled) metrics.batch.setBuckets(settings.durationBuckets, settings.sizeBuckets)
  }

  /** Classification of `size` texts starts. */
  begin(size: number): void {
    if (!this.settings.enabled) return
    this.metrics.batch.texts.inc({ processing_type: PROCESSING_TYPE }, size)
    if (this.sampled) this.metrics.batch.sizes.observe({ processing_type: PROCESSING_TYPE }, size)
    if (this.settings.detailedTracking) this.slot = this.slots.take()
  }

  /** Wrap one text's classification: counted in the batch's concurrency gauge while it runs. */
  async task<T>(work: () => Promise<T>): Promise<T> {
    if (this.slot === undefined) return work()
    this.setInFlight(+1)
    try {
      return await work()
    } finally {
      this.setInFlight(-1)
    }
  }

  succeeded(size: number): void {
    this.release()
    if (!this.settings.enabled || this.signal?.aborted) return
    this.metrics.batch.requests.inc({ processing_type: PROCESSING_TYPE })
    if (this.sampled)
      this.metrics.batch.duration.observe(
        {
          processing_type: PROCESSING_TYPE,
          batch_size_range: batchSizeRange(size, this.settings.ranges),
        },
        (performance.now() - this.started) / 1000,
      )
  }

  failed(err: RouterError, rejected = false): void {
    this.release()
    if (!this.settings.enabled || this.signal?.aborted) return
    this.metrics.batch.requests.inc({ processing_type: PROCESSING_TYPE })
    this.metrics.batch.errors.inc({
      processing_type: PROCESSING_TYPE,
      error_type: batchErrorType(err, rejected),
    })
  }

  private setInFlight(delta: number): void {
    this.inFlight += delta
    this.metrics.batch.concurrency.set({ batch_id: String(this.slot) }, this.inFlight)
  }

  private release(): void {
    if (this.slot === undefined) return
    this.metrics.batch.concurrency.set({ batch_id: String(this.slot) }, 0)
    this.slots.free(this.slot)
    this.slot = undefined
  }
}
