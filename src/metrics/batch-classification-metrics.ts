/**
 * Upstream's `batch_classification_*` metrics for POST /api/v1/classify/batch, on the router's
 * registry. Their own class because the two histograms take their buckets from the config and are
 * replaced when a reload changes them; src/api/batch-metrics.ts decides what to record.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

/** Upstream's fallbacks when `api.batch_classification.metrics` names no buckets. */
export const DEFAULT_BATCH_DURATION_BUCKETS: readonly number[] = [0.001, 0.01, 0.1, 1, 10]
export const DEFAULT_BATCH_SIZE_BUCKETS: readonly number[] = [1, 10, 100]

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i])

export class BatchClassificationMetrics {
  readonly requests: Counter<'processing_type'>
  readonly texts: Counter<'processing_type'>
  readonly errors: Counter<'processing_type' | 'error_type'>
  readonly concurrency: Gauge<'batch_id'>
  /** The two histograms take their buckets from the config: see setBuckets. */
  duration!: Histogram<'processing_type' | 'batch_size_range'>
  sizes!: Histogram<'processing_type'>
  private buckets: { duration: readonly number[]; size: readonly number[] } | undefined

  constructor(private readonly registry: Registry) {
    const registers = [registry]
    this.requests = new Counter({
      name: 'batch_classification_requests_total',
      help: 'Requests to /api/v1/classify/batch, by processing type',
      labelNames: ['processing_type'] as const,
      registers,
    })
    this.texts = new Counter({
      name: 'batch_classification_texts_total',
      help: 'Texts sent to the classifiers by batch requests',
      labelNames: ['processing_type'] as const,
      registers,
    })
    this.errors = new Counter({
      name: 'batch_classification_errors_total',
      help: 'Failed batch classification requests, by error type',
      labelNames: ['processing_type', 'error_type'] as const,
      registers,
    })
    this.concurrency = new Gauge({
      name: 'batch_classification_concurrent_goroutines',
      help: 'Texts of a running batch being classified concurrently (Node: async tasks), by batch slot',
      labelNames: ['batch_id'] as const,
      registers,
    })
    this.setBuckets()
  }

  /**
   * (Re)create the histograms with the config's buckets. A histogram's buckets are fixed once
   * created, so a config that changes them replaces both (their series restart from zero, as after
   * a restart); the same buckets again are a no-op.
   */
  setBuckets(
    duration: readonly number[] = DEFAULT_BATCH_DURATION_BUCKETS,
    size: readonly number[] = DEFAULT_BATCH_SIZE_BUCKETS,
  ): void {
    const current = this.buckets
    if (current && sameNumbers(current.duration, duration) && sameNumbers(current.size, size))
      return
    if (current) {
      this.registry.removeSingleMetric('batch_classification_duration_seconds')
      this.registry.removeSingleMetric('batch_classification_size_distribution')
    }
    const registers = [this.registry]
    this.duration = new Histogram({
      name: 'batch_classification_duration_seconds',
      help: 'Time to classify a whole batch, by processing type and batch size range',
      labelNames: ['processing_type', 'batch_size_range'] as const,
      buckets: [...duration],
      registers,
    })
    this.sizes = new Histogram({
      name: 'batch_classification_size_distribution',
      help: 'Texts per batch request',
      labelNames: ['processing_type'] as const,
      buckets: [...size],
      registers,
    })
    this.buckets = { duration: [...duration], size: [...size] }
  }
}
