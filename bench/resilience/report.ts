/** Figures of one resilience run (bench/resilience/run.ts) from its per-request records. */
import type { LoadRecord } from './load.js'

export interface Window {
  readonly requests: number
  readonly success_rate: number
  readonly p50_ms: number
  readonly p99_ms: number
  /** Share of the window's requests each replica answered (r0, r1, r2; errors not counted). */
  readonly share: Record<string, number>
}

export interface ScenarioReport {
  readonly target: string
  readonly scenario: string
  /** The replica that failed or slowed down. */
  readonly faulty_replica: string
  readonly overall_success_rate: number
  readonly before_fault: Window
  readonly after_fault: Window
  /** From 10 s after the fault to the end (the slowed replica's share target applies here). */
  readonly from_10s_after_fault: Window
  /** Seconds after the fault until the faulty replica's share stayed at or below 20 %. */
  readonly faulty_share_settled_after_s: number | null
  readonly targets: {
    readonly success_100_percent: boolean
    readonly p99_within_2x_healthy: boolean
    readonly faulty_share_at_most_20_percent_after_10s: boolean
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)]!
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d

function window(records: readonly LoadRecord[], replicas: readonly string[]): Window {
  const ok = records.filter((r) => r.status === 200)
  const latencies = records.map((r) => r.latencyMs).sort((a, b) => a - b)
  const share: Record<string, number> = {}
  replicas.forEach((id, i) => {
    share[`r${i}`] =
      ok.length === 0 ? 0 : round(ok.filter((r) => r.replica === id).length / ok.length)
  })
  return {
    requests: records.length,
    success_rate: records.length === 0 ? 1 : round(ok.length / records.length, 5),
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    share,
  }
}

export function summarise(run: {
  target: string
  scenario: string
  records: readonly LoadRecord[]
  replicas: readonly string[]
  faulty: number
  faultAtMs: number
}): ScenarioReport {
  const { records, replicas, faulty, faultAtMs } = run
  const before = window(
    records.filter((r) => r.at < faultAtMs),
    replicas,
  )
  const after = window(
    records.filter((r) => r.at >= faultAtMs),
    replicas,
  )
  const late = window(
    records.filter((r) => r.at >= faultAtMs + 10_000),
    replicas,
  )
  const faultyName = `r${faulty}`
  const settled = settledAfter(records, replicas[faulty]!, faultAtMs)
  return {
    target: run.target,
    scenario: run.scenario,
    faulty_replica: faultyName,
    overall_success_rate: window(records, replicas).success_rate,
    before_fault: before,
    after_fault: after,
    from_10s_after_fault: late,
    faulty_share_settled_after_s: settled,
    targets: {
      success_100_percent: records.every((r) => r.status === 200),
      p99_within_2x_healthy: after.p99_ms <= 2 * before.p99_ms,
      faulty_share_at_most_20_percent_after_10s: (late.share[faultyName] ?? 0) <= 0.2,
    },
  }
}

/** First whole second after the fault from which every later second's faulty share is ≤ 20 %. */
function settledAfter(
  records: readonly LoadRecord[],
  id: string,
  faultAtMs: number,
): number | null {
  const seconds = new Map<number, { ok: number; faulty: number }>()
  for (const r of records) {
    if (r.at < faultAtMs || r.status !== 200) continue
    const s = Math.floor((r.at - faultAtMs) / 1000)
    const bucket = seconds.get(s) ?? { ok: 0, faulty: 0 }
    bucket.ok++
    if (r.replica === id) bucket.faulty++
    seconds.set(s, bucket)
  }
  const keys = [...seconds.keys()].sort((a, b) => a - b)
  let settled: number | null = null
  for (const s of keys) {
    const b = seconds.get(s)!
    const over = b.faulty / b.ok > 0.2
    if (over) settled = null
    else settled ??= s
  }
  return settled
}
