/**
 * prom-client's Counter, Gauge and Histogram with a cheaper path for the calls every request makes.
 *
 * prom-client 15 spends most of an `inc`/`observe` finding the series: it validates the label
 * names, builds a hash string from the sorted labels and (histograms) turns the bucket bound into
 * a property name, on every call — 0.3–0.8 µs each, and a routed gateway request makes about 25
 * such calls. These classes remember each series they have seen (label values → prom-client's own
 * series object, looked up through nested Maps: no string built) and update it in place, exactly
 * as prom-client would. Everything else — the first call of a series (which validates the
 * labels), values prom-client refuses (negative, not finite), scraping, collect(), reset(),
 * remove() — is prom-client's own code, so the exposition is unchanged (fast-metrics.test.ts
 * compares it with plain prom-client metrics fed the same calls).
 *
 * Label values must be strings for the fast path (numbers take the prom-client path). Labels
 * outside `labelNames` are refused by prom-client on a series' first call; TypeScript's label
 * types rule them out on later calls.
 */
import {
  Counter,
  Gauge,
  Histogram,
  type GaugeConfiguration,
  type CounterConfiguration,
  type HistogramConfiguration,
  type LabelValues,
} from 'prom-client'

/** Series remembered per metric at most (label values are bounded already; this is a backstop). */
const MAX_SERIES = 2048

/** What the fast path reads of prom-client 15's metric objects. */
interface Internals<E> {
  readonly hashMap: Record<string, E>
  readonly sortedLabelNames: readonly string[]
  readonly labelNames: readonly string[]
}

type Labels = Readonly<Record<string, string | number | undefined>>

/** Nested Maps from label values (in `labelNames` order) to prom-client's series objects. */
class SeriesCache<E> {
  private readonly root = new Map<string, unknown>()
  private size = 0

  constructor(private readonly names: readonly string[]) {}

  find(labels: Labels): E | undefined {
    const names = this.names
    if (names.length === 0) return this.root.get('') as E | undefined
    let node: unknown = this.root
    for (let i = 0; i < names.length; i++) {
      const value = labels[names[i]!]
      if (typeof value !== 'string') return undefined
      node = (node as Map<string, unknown>).get(value)
      if (node === undefined) return undefined
    }
    return node as E
  }

  /** Remember the series prom-client keeps for `labels` (after it has created it). */
  remember(labels: Labels, metric: Internals<E>): void {
    if (this.size >= MAX_SERIES) return
    let hash = ''
    for (const name of metric.sortedLabelNames) {
      const value = labels[name]
      if (value !== undefined) hash += `${name}:${value},`
    }
    const entry = metric.hashMap[hash]
    if (entry === undefined) return
    const names = this.names
    if (names.length === 0) {
      this.root.set('', entry)
      this.size++
      return
    }
    let node = this.root
    for (let i = 0; i < names.length; i++) {
      const value = labels[names[i]!]
      if (typeof value !== 'string') return
      if (i === names.length - 1) {
        node.set(value, entry)
        this.size++
        return
      }
      let next = node.get(value) as Map<string, unknown> | undefined
      if (next === undefined) node.set(value, (next = new Map()))
      node = next
    }
  }

  clear(): void {
    this.root.clear()
    this.size = 0
  }
}

const NO_LABELS: Labels = {}

/**
 * After prom-client calls that replace or drop series objects (reset, remove, zero, set), the
 * remembered ones are forgotten (found again on their next call). Wrapped on the instance once
 * constructed: prom-client's constructor itself calls reset() before there is anything to forget.
 */
function forgetOn(metric: object, series: SeriesCache<unknown>, methods: readonly string[]): void {
  const target = metric as Record<string, (...args: unknown[]) => unknown>
  for (const name of methods) {
    const original = target[name]!.bind(metric)
    target[name] = (...args: unknown[]) => {
      const result = original(...args)
      series.clear()
      return result
    }
  }
}

export class FastCounter<T extends string = string> extends Counter<T> {
  constructor(config: CounterConfiguration<T>) {
    super(config)
    if (config.enableExemplars) return
    const internals = this as unknown as Internals<{ value: number }>
    const series = new SeriesCache<{ value: number }>(internals.labelNames)
    forgetOn(this, series, ['reset', 'remove'])
    const slow = this.inc.bind(this) as (labels?: Labels | number, value?: number) => void
    const fast = (labels?: Labels | number, value?: number): void => {
      let by = value
      let values = labels
      if (typeof labels !== 'object' || labels === null) {
        by = labels ?? undefined
        values = NO_LABELS
      }
      by ??= 1
      const entry = series.find(values as Labels)
      // Only what prom-client would add as it is (a negative or non-finite value: its own error).
      if (entry !== undefined && by >= 0 && by !== Infinity) {
        entry.value += by
        return
      }
      slow(labels, value)
      series.remember(values as Labels, internals)
    }
    this.inc = fast as Counter<T>['inc']
  }
}

interface HistogramSeries {
  sum: number
  count: number
  readonly bucketValues: Record<string, number>
}

export class FastHistogram<T extends string = string> extends Histogram<T> {
  constructor(config: HistogramConfiguration<T>) {
    super(config)
    if (config.enableExemplars) return
    const internals = this as unknown as Internals<HistogramSeries> & {
      readonly upperBounds: readonly number[]
    }
    const bounds = internals.upperBounds
    // prom-client indexes bucketValues by the bound as a property name: computed once here.
    const keys = bounds.map(String)
    const series = new SeriesCache<HistogramSeries>(internals.labelNames)
    forgetOn(this, series, ['reset', 'remove', 'zero'])
    const slow = this.observe.bind(this) as (labels: Labels | number, value?: number) => void
    const fast = (labels: Labels | number, value?: number): void => {
      let v = value
      let values = labels
      if (labels === null) values = NO_LABELS
      else if (typeof labels !== 'object') {
        v = labels
        values = NO_LABELS
      }
      const entry = series.find(values as Labels)
      if (entry !== undefined && typeof v === 'number' && Number.isFinite(v)) {
        entry.sum += v
        entry.count += 1
        for (let i = 0; i < bounds.length; i++) {
          if (v <= bounds[i]!) {
            entry.bucketValues[keys[i]!]! += 1
            break
          }
        }
        return
      }
      slow(labels, value)
      series.remember(values as Labels, internals)
    }
    this.observe = fast as Histogram<T>['observe']
  }
}

/** Gauges: inc/dec (the in-flight requests) take the fast path; set() is prom-client's. */
export class FastGauge<T extends string = string> extends Gauge<T> {
  private series: SeriesCache<{ value: number }> | undefined

  constructor(config: GaugeConfiguration<T>) {
    super(config)
    this.series = new SeriesCache((this as unknown as Internals<unknown>).labelNames)
    // set() replaces prom-client's series object too.
    forgetOn(this, this.series, ['reset', 'remove', 'set'])
  }

  override inc(labels?: LabelValues<T> | number, value?: number): void {
    this.add(labels, value, 1)
  }

  override dec(labels?: LabelValues<T> | number, value?: number): void {
    this.add(labels, value, -1)
  }

  private add(
    labels: LabelValues<T> | number | undefined,
    value: number | undefined,
    sign: 1 | -1,
  ) {
    const values = typeof labels === 'object' && labels !== null ? (labels as Labels) : NO_LABELS
    const by = (values === NO_LABELS ? (labels as number | undefined) : value) ?? 1
    const entry = this.series?.find(values)
    if (entry !== undefined && typeof by === 'number') {
      entry.value += sign * by
      return
    }
    if (sign === 1) super.inc(labels as LabelValues<T>, value)
    else super.dec(labels as LabelValues<T>, value)
    this.series?.remember(values, this as unknown as Internals<{ value: number }>)
  }
}
