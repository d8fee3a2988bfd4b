/**
 * Turn a bench/gateway/run.ts JSON report into the markdown tables of docs/benchmarks.md.
 *
 *   node --import tsx bench/gateway/report.ts bench/gateway/recorded/<file>.json
 */
import { readFileSync } from 'node:fs'

interface Row {
  target: string
  connections: number
  rps: number
  latency_ms: { p50: number; p99: number }
  mean_latency_us: number
  cpu_us_per_request: number
  errors: number
  non2xx: number
}

interface Report {
  date: string
  machine: { cpus: number; cpu_model: string; node: string; load_average_at_end: number[] }
  settings: { duration: number; runtime: string; levels: number[] }
  results: Row[]
  comparisons: {
    connections: number
    gateway_added_latency?: { p50_ms: number; p99_ms: number; mean_us: number }
    portkey_added_latency?: { p50_ms: number; p99_ms: number; mean_us: number }
    gateway_rps_vs_portkey?: number
  }[]
  memory_mb: Record<string, { idle: { rssMb: number }; peakRssMb: number }>
  targets: Record<string, string>
}

const file = process.argv[2]
if (!file) throw new Error('usage: report.ts <report.json>')
const r = JSON.parse(readFileSync(file, 'utf8')) as Report
const out: string[] = []
out.push(
  `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} vCPU ${r.machine.cpu_model}, Node ${r.machine.node}, ` +
    `${r.settings.duration} s per cell, router as ${r.settings.runtime}, load average at the end ${r.machine.load_average_at_end.join(' / ')}.`,
  '',
  '| target | conns | req/s | p50 ms | p99 ms | mean latency µs | CPU µs / request | errors |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
)
for (const row of r.results)
  out.push(
    `| ${row.target} | ${row.connections} | ${row.rps} | ${row.latency_ms.p50} | ${row.latency_ms.p99} | ${Math.round(row.mean_latency_us)} | ${Math.round(row.cpu_us_per_request)} | ${row.errors + row.non2xx} |`,
  )
out.push(
  '',
  '| conns | gateway added p50 / p99 ms | gateway added mean µs | Portkey added p50 / p99 ms | Portkey added mean µs | gateway req/s ÷ Portkey |',
  '| --- | --- | --- | --- | --- | --- |',
)
for (const c of r.comparisons) {
  const g = c.gateway_added_latency
  const p = c.portkey_added_latency
  out.push(
    `| ${c.connections} | ${g ? `${g.p50_ms} / ${g.p99_ms}` : '—'} | ${g ? Math.round(g.mean_us) : '—'} | ${p ? `${p.p50_ms} / ${p.p99_ms}` : '—'} | ${p ? Math.round(p.mean_us) : '—'} | ${c.gateway_rps_vs_portkey ?? '—'}× |`,
  )
}
out.push('', '| process | RSS idle MB | peak RSS MB |', '| --- | --- | --- |')
for (const [name, m] of Object.entries(r.memory_mb))
  out.push(`| ${name} | ${m.idle.rssMb} | ${m.peakRssMb} |`)
out.push(
  '',
  'Targets: ' +
    Object.entries(r.targets)
      .map(([k, v]) => `${k} **${v}**`)
      .join(', ') +
    '.',
)
process.stdout.write(`${out.join('\n')}\n`)
