import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseConfigText } from '../config/load.js'
import { RouterError } from '../errors.js'
import { SlotPool } from '../runtime/state.js'
import { RouterMetrics } from '../metrics/router-metrics.js'
import {
  BatchObservation,
  DEFAULT_BATCH_SIZE_RANGES,
  batchErrorType,
  batchMetricsSettings,
  batchRequestError,
  batchSizeRange,
} from './batch-metrics.js'

const settings = (yaml: string) => batchMetricsSettings(parseConfigText(yaml).config)
const ON =
  'api: { batch_classification: { metrics: { enabled: true, detailed_goroutine_tracking: true } } }'

async function value(metrics: RouterMetrics, name: string, labels: Record<string, string>) {
  const metric = metrics.registry.getSingleMetric(name)!
  const { values } = await metric.get()
  const hit = values.find((v) =>
    Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
  )
  return hit?.value
}

describe('batch classification metrics', () => {
  it('uses upstream defaults: off, fallback buckets, the six size ranges', () => {
    const s = settings('{}')
    assert.equal(s.enabled, false)
    assert.deepEqual(s.durationBuckets, [0.001, 0.01, 0.1, 1, 10])
    assert.deepEqual(s.sizeBuckets, [1, 10, 100])
    assert.deepEqual(
      s.ranges.map((r) => r.label),
      ['1', '2-5', '6-10', '11-20', '21-50', '50+'],
    )
  })

  it('puts a batch size in its range', () => {
    const at = (n: number) => batchSizeRange(n, DEFAULT_BATCH_SIZE_RANGES)
    assert.deepEqual([1, 2, 5, 6, 20, 21, 50, 51, 1000].map(at), [
      '1',
      '2-5',
      '2-5',
      '6-10',
      '11-20',
      '21-50',
      '21-50',
      '50+',
      '50+',
    ])
    assert.equal(batchSizeRange(7, [{ min: 1, max: 5, label: 'small' }]), 'unknown')
  })

  it('names upstream error types', () => {
    assert.equal(batchErrorType(new RouterError('invalid_json'), true), 'invalid_json')
    assert.equal(batchErrorType(new RouterError('body_too_large'), true), 'read_body_failed')
    assert.equal(batchErrorType(new RouterError('processing_timeout'), true), 'timeout')
    assert.equal(batchErrorType(new RouterError('not_ready')), 'classifier_unavailable')
    assert.equal(batchErrorType(batchRequestError('empty_texts', 'x', 'texts')), 'empty_texts')
    assert.equal(batchErrorType(new RouterError('invalid_request')), 'parse_request_failed')
    assert.equal(batchErrorType(new RouterError('inference_failed')), 'classification_failed')
  })

  it('counts every text in flight per batch slot, and reuses freed slots', async () => {
    const metrics = new RouterMetrics()
    const slots = new SlotPool()
    const a = new BatchObservation(metrics, settings(ON), undefined, slots)
    const b = new BatchObservation(metrics, settings(ON), undefined, slots)
    a.begin(2)
    b.begin(1)
    const seen: (number | undefined)[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const running = [
      a.task(() => gate),
      a.task(async () => {
        await Promise.resolve()
        seen.push(
          await value(metrics, 'batch_classification_concurrent_goroutines', { batch_id: '0' }),
        )
      }),
      b.task(async () => {
        seen.push(
          await value(metrics, 'batch_classification_concurrent_goroutines', { batch_id: '1' }),
        )
      }),
    ]
    await running[2]
    await running[1]
    release()
    await running[0]
    assert.deepEqual(seen, [1, 2])
    a.succeeded(2)
    b.succeeded(1)
    assert.equal(
      await value(metrics, 'batch_classification_concurrent_goroutines', { batch_id: '0' }),
      0,
    )
    const c = new BatchObservation(metrics, settings(ON), undefined, slots)
    c.begin(1)
    await c.task(async () => {
      assert.equal(
        await value(metrics, 'batch_classification_concurrent_goroutines', { batch_id: '0' }),
        1,
      )
    })
    c.succeeded(1)
  })

  it('samples only the histograms; counters stay exact; disabled records nothing', async () => {
    const metrics = new RouterMetrics()
    const sampledOut = settings(
      'api: { batch_classification: { metrics: { enabled: true, sample_rate: 0 } } }',
    )
    const o = new BatchObservation(metrics, sampledOut)
    o.begin(3)
    o.succeeded(3)
    const type = { processing_type: 'unified' }
    assert.equal(await value(metrics, 'batch_classification_requests_total', type), 1)
    assert.equal(await value(metrics, 'batch_classification_texts_total', type), 3)
    const sizes = await metrics.batch.sizes.get()
    assert.equal(sizes.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0, 0)

    const off = new BatchObservation(metrics, settings('{}'))
    off.begin(5)
    off.failed(new RouterError('invalid_json'))
    assert.equal(await value(metrics, 'batch_classification_requests_total', type), 1)
  })

  it('rebuilds the histograms when the config changes their buckets', async () => {
    const metrics = new RouterMetrics()
    const custom = settings(
      'api: { batch_classification: { metrics: { enabled: true, duration_buckets: [0.5, 0.05], size_buckets: [4] } } }',
    )
    assert.deepEqual(custom.durationBuckets, [0.05, 0.5])
    const o = new BatchObservation(metrics, custom)
    o.begin(2)
    o.succeeded(2)
    const text = await metrics.registry.metrics()
    assert.match(text, /batch_classification_duration_seconds_bucket\{le="0\.05",/)
    assert.match(
      text,
      /batch_classification_size_distribution_bucket\{le="4",processing_type="unified"\} 1/,
    )
    assert.doesNotMatch(text, /batch_classification_duration_seconds_bucket\{le="0\.001"/)
    const before = metrics.batch.duration
    new BatchObservation(metrics, custom)
    assert.equal(metrics.batch.duration, before, 'same buckets: the histogram is kept')
  })
})
