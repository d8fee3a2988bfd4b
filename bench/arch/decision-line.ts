/**
 * CPU of the request's `routing_decision` line in-process, this checkout vs an earlier one, at a
 * log level that drops it (warn) and one that writes it (info, to a stream that discards): what
 * `logDecision` costs per request on the gateway benchmark's config (one keyword-routed request's
 * context, a usage record). Both revisions' functions run in one process on the same context.
 * Prints one JSON document.
 *
 *   node --import tsx bench/arch/decision-line.ts --before <checkout of the earlier revision>
 *     [--calls 200000] [--rounds 3] [--out f.json]
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildRuntime } from '../../src/assembly/build-runtime.js'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { createLogger } from '../../src/log.js'
import { RouterMetrics } from '../../src/metrics/router-metrics.js'
import { localRequestMeta } from '../../src/pipeline/local-meta.js'
import { logDecision } from '../../src/pipeline/response-tracker.js'
import { routerConfig } from '../gateway/setup.js'
import { machineInfo, round } from '../gateway/processes.js'

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    calls: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
})
if (!values.before) throw new Error('--before <checkout of the earlier revision> is required')
const before = resolve(values.before)
const calls = Number(values.calls)
type Log = typeof logDecision
const old = (
  (await import(join(before, 'src', 'pipeline', 'response-tracker.ts'))) as { logDecision: Log }
).logDecision

const log = createLogger({ level: 'info', destination: { write: () => undefined } })
const runtime = await buildRuntime(parseRouterConfig(routerConfig(18000)), {
  log,
  metrics: new RouterMetrics(),
})
const body = Buffer.from(
  JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: 'integral of x' }] }),
)
const { ctx } = await runtime.pipeline.handleRequest(body, localRequestMeta('decision-line'))
const record = {
  status: 200,
  latencySeconds: 0.01,
  usage: { prompt_tokens: 10, completion_tokens: 16, total_tokens: 26 },
  error: undefined,
}

/** CPU µs per call of `fn` at `level` (after a warm-up of a tenth as many calls). */
function measure(fn: Log, level: string): number {
  ctx.log.level = level
  for (let i = 0; i < calls / 10; i++) fn(ctx, record)
  const start = process.cpuUsage()
  for (let i = 0; i < calls; i++) fn(ctx, record)
  const used = process.cpuUsage(start)
  return (used.user + used.system) / calls
}

const loadStart = loadavg()
const rounds: Record<string, number>[] = []
for (let r = 0; r < Number(values.rounds); r++)
  rounds.push({
    before_warn_us: round(measure(old, 'warn')),
    after_warn_us: round(measure(logDecision, 'warn')),
    before_info_us: round(measure(old, 'info')),
    after_info_us: round(measure(logDecision, 'info')),
  })
await runtime.close()
const median = (k: string) => {
  const s = rounds.map((r) => r[k]!).sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
const revision = (dir: string) =>
  execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
const report = {
  benchmark: 'routing_decision line: CPU per request in-process, before/after',
  command: `node --import tsx bench/arch/decision-line.ts --before <checkout of ${revision(before)}> --calls ${calls} --rounds ${values.rounds}`,
  date: new Date().toISOString(),
  machine: { ...machineInfo(), load_average_at_start: loadStart.map((x) => round(x, 2)) },
  revisions: { before: revision(before), after: revision(resolve(import.meta.dirname, '../..')) },
  rounds,
  medians: Object.fromEntries(Object.keys(rounds[0]!).map((k) => [k, median(k)])),
}
const json = `${JSON.stringify(report, null, 2)}\n`
process.stdout.write(json)
if (values.out) writeFileSync(values.out, json)
