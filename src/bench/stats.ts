/** Small, exact statistics for benchmark summaries (tested against hand-computed values). */

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length
}

/** Percentile with linear interpolation between closest ranks (numpy's default), p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo)
}

export interface Distribution {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly min: number
  readonly max: number
}

export function distribution(values: readonly number[]): Distribution {
  return {
    count: values.length,
    mean: round(mean(values)),
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    min: round(values.length === 0 ? 0 : Math.min(...values)),
    max: round(values.length === 0 ? 0 : Math.max(...values)),
  }
}

/** Latency histogram bucket bounds in seconds (cumulative counts, Prometheus-style `le`). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const

export function histogram(values: readonly number[], bounds: readonly number[] = LATENCY_BUCKETS) {
  return [
    ...bounds.map((le) => ({ le: String(le), count: values.filter((v) => v <= le).length })),
    { le: '+Inf', count: values.length },
  ]
}

/** Round to 6 significant decimals so JSON stays readable and comparisons stable. */
export function round(value: number, digits = 6): number {
  if (!Number.isFinite(value)) return 0
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : round(numerator / denominator)
}
