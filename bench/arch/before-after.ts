/**
 * Issue 12's speed check: the request edge, src/http and the composition root must cost nothing.
 * Runs the gateway benchmark and the quick ext_proc benchmark of two checkouts — an earlier
 * revision and this one — in alternation (before, after, before, after, ...), each checkout with
 * its own bench scripts, and reports per round and as medians:
 *
 *   - gateway: throughput through the router relative to the simulator measured in the same run
 *     (`gateway_rps_vs_direct`), added mean latency, and router CPU per request;
 *   - ext_proc: throughput and p50 latency relative to a bare echo processor in the same run, and
 *     server CPU per stream.
 *
 * The ratios and CPU-per-request figures are what survive a shared machine; absolute req/s do not.
 * Both revisions run the same router config (the gateway benchmark's: keyword classification, no
 * guards, no cache; written here for ext_proc), so features added to the bundled config between the
 * two revisions (the embedded jailbreak classifier, say) do not show up as an architecture cost.
 *
 *   git -C . worktree add /tmp/before d5a108b && (cd /tmp/before && npm ci)
 *   node --import tsx bench/arch/before-after.ts --before /tmp/before [--rounds 3] [--out f.json]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { routerConfig } from '../gateway/setup.js'

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string' },
  },
})
if (!values.before) throw new Error('--before <checkout of the earlier revision> is required')
const trees = { before: resolve(values.before), after: resolve(import.meta.dirname, '../..') }
const rounds = Number(values.rounds)
const scratch = mkdtempSync(join(tmpdir(), 'bench-arch-'))

interface GatewayFigures {
  rps_vs_direct: number
  added_mean_us: number
  cpu_us_per_request: number
}
interface ExtprocFigures {
  throughput_vs_echo: number
  p50_vs_echo: number
  cpu_us_per_stream: number
}

const revision = (dir: string) =>
  execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()

function node(dir: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
}

function gateway(dir: string, label: string): GatewayFigures {
  const out = join(scratch, `gateway-${label}.json`)
  node(dir, [
    'bench/gateway/run.ts',
    '--no-portkey',
    '--runtime',
    'tsx',
    '--duration',
    values.duration,
    '--connections',
    values.connections,
    '--out',
    out,
  ])
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    comparisons: { gateway_rps_vs_direct: number; gateway_added_latency: { mean_us: number } }[]
    results: { target: string; cpu_us_per_request: number }[]
  }
  const c = report.comparisons[0]!
  return {
    rps_vs_direct: c.gateway_rps_vs_direct,
    added_mean_us: c.gateway_added_latency.mean_us,
    cpu_us_per_request: report.results.find((r) => r.target === 'gateway')!.cpu_us_per_request,
  }
}

// The gateway benchmark's router config, written once and given to both revisions' ext_proc bench
// (the endpoint is never dialled: ext_proc only names it in a header).
const neutralConfig = join(scratch, 'router.yaml')
writeFileSync(neutralConfig, routerConfig(18000))

function extproc(dir: string): ExtprocFigures {
  const text = node(dir, [
    'bench/extproc/run.ts',
    '--quick',
    '--keyword-only',
    '--config',
    neutralConfig,
  ])
  const report = JSON.parse(text.slice(text.indexOf('{'))) as {
    ratios: { throughput_router_over_echo: number; p50_latency_router_over_echo: number }
    router: { throughput: { server_cpu_us_per_stream: number } }
  }
  return {
    throughput_vs_echo: report.ratios.throughput_router_over_echo,
    p50_vs_echo: report.ratios.p50_latency_router_over_echo,
    cpu_us_per_stream: report.router.throughput.server_cpu_us_per_stream,
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d

function medians<T extends object>(rows: T[]): Record<keyof T, number> {
  const keys = Object.keys(rows[0]!) as (keyof T)[]
  return Object.fromEntries(
    keys.map((k) => [k, round(median(rows.map((r) => r[k] as number)))]),
  ) as Record<keyof T, number>
}

const loadStart = loadavg()
const runs: Record<'before' | 'after', { gateway: GatewayFigures[]; extproc: ExtprocFigures[] }> = {
  before: { gateway: [], extproc: [] },
  after: { gateway: [], extproc: [] },
}
try {
  for (let r = 0; r < rounds; r++) {
    for (const side of ['before', 'after'] as const) {
      runs[side].gateway.push(gateway(trees[side], `${side}-${r}`))
      runs[side].extproc.push(extproc(trees[side]))
      process.stderr.write(`round ${r + 1}/${rounds} ${side} done\n`)
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}

const summary = {
  before: { gateway: medians(runs.before.gateway), extproc: medians(runs.before.extproc) },
  after: { gateway: medians(runs.after.gateway), extproc: medians(runs.after.extproc) },
}
const report = {
  benchmark: 'architecture before/after (issue 12)',
  command: `node --import tsx bench/arch/before-after.ts --before <checkout of ${revision(trees.before)}> --rounds ${rounds} --duration ${values.duration} --connections ${values.connections}`,
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadavg_start: loadStart.map((x) => round(x, 2)),
    loadavg_end: loadavg().map((x) => round(x, 2)),
  },
  revisions: { before: revision(trees.before), after: revision(trees.after) },
  runs,
  medians: summary,
  after_over_before: {
    gateway_rps_vs_direct: round(
      summary.after.gateway.rps_vs_direct / summary.before.gateway.rps_vs_direct,
    ),
    gateway_cpu_per_request: round(
      summary.after.gateway.cpu_us_per_request / summary.before.gateway.cpu_us_per_request,
    ),
    extproc_throughput_vs_echo: round(
      summary.after.extproc.throughput_vs_echo / summary.before.extproc.throughput_vs_echo,
    ),
    extproc_cpu_per_stream: round(
      summary.after.extproc.cpu_us_per_stream / summary.before.extproc.cpu_us_per_stream,
    ),
  },
}
const json = `${JSON.stringify(report, null, 2)}\n`
process.stdout.write(json)
if (values.out) writeFileSync(values.out, json)
