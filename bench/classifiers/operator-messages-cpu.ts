/**
 * CPU per request of `prompt_guard.operator_messages: rules` vs `full` on requests that carry a
 * typical operator system prompt: each of the 47 written operator prompts
 * (test/fixtures/guards/operator-prompts.txt) as the system message, with each of four plain user
 * questions, through the pipeline on the bundled config (semantic cache off, so every repeat does
 * the same work). Only requests neither mode blocks are timed (a block ends a request early). As a
 * reference, the same questions without a system message (`none`). Variants alternate within each
 * round (order rotated), and CPU time is the whole process's (ONNX threads included), so the
 * ratio rules / full is measured side by side. Prints one JSON document.
 *
 *   node --import tsx bench/classifiers/operator-messages-cpu.ts [--rounds 5] [--passes 3]
 *     [--out bench/classifiers/recorded/operator-messages-cpu-<date>.json]
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import type { Runtime } from '../../src/pipeline/runtime.js'
import { localRequestMeta } from '../../src/pipeline/local-meta.js'
import {
  bundledRuntime,
  operatorPrompts,
  operatorRequest,
  type OperatorMode,
} from './operator-fixture.js'
import { machineInfo, round } from '../gateway/processes.js'

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    passes: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
})
const rounds = Number(args.rounds)
const passes = Number(args.passes)
const QUESTIONS = [
  'Can you help me with my order?',
  'What is the capital of France?',
  'How do I reset my password if I no longer have access to the email on my account?',
  'Please summarise the main differences between your basic and premium plans.',
]

type Variant = 'full' | 'rules' | 'none'
let n = 0
const meta = () => localRequestMeta(`cpu-${++n}`)

/** Run one request; true when it was forwarded (not answered by a guard). */
async function run(runtime: Runtime, body: Buffer): Promise<boolean> {
  const outcome = await runtime.pipeline.handleRequest(body, meta())
  if (outcome.action === 'respond') return false
  runtime.pipeline.discard(outcome.ctx, 'bench')
  return true
}

const runtimes: Record<OperatorMode, Runtime> = {
  full: await bundledRuntime('full', [[['semantic_cache', 'enabled'], false]]),
  rules: await bundledRuntime('rules', [[['semantic_cache', 'enabled'], false]]),
}
const pairs = operatorPrompts().flatMap((system) =>
  QUESTIONS.map((question) => operatorRequest(system, question)),
)
// Requests forwarded under both modes (this first pass is also the warm-up).
const kept: Buffer[] = []
for (const body of pairs)
  if ((await run(runtimes.full, body)) && (await run(runtimes.rules, body))) kept.push(body)
const plain = QUESTIONS.map((q) =>
  Buffer.from(JSON.stringify({ model: 'MoM', messages: [{ role: 'user', content: q }] })),
)
for (const body of plain) await run(runtimes.full, body)

const work: Record<Variant, { runtime: Runtime; bodies: Buffer[] }> = {
  full: { runtime: runtimes.full, bodies: kept },
  rules: { runtime: runtimes.rules, bodies: kept },
  // As many requests as the others, so each variant's share of a round is alike.
  none: {
    runtime: runtimes.full,
    bodies: kept.map((_, i) => plain[i % plain.length]!),
  },
}

async function measure(variant: Variant) {
  const { runtime, bodies } = work[variant]
  const cpu = process.cpuUsage()
  const wall = performance.now()
  for (let p = 0; p < passes; p++) for (const body of bodies) await run(runtime, body)
  const used = process.cpuUsage(cpu)
  const requests = passes * bodies.length
  return {
    cpu_us_per_request: round((used.user + used.system) / requests, 1),
    wall_us_per_request: round(((performance.now() - wall) * 1000) / requests, 1),
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

const loadStart = loadavg()
const order: Variant[] = ['full', 'rules', 'none']
const results: Record<Variant, { cpu_us_per_request: number; wall_us_per_request: number }[]> = {
  full: [],
  rules: [],
  none: [],
}
const paired: number[] = []
for (let r = 0; r < rounds; r++) {
  const turn = [...order.slice(r % 3), ...order.slice(0, r % 3)]
  for (const v of turn) results[v].push(await measure(v))
  paired.push(results.rules[r]!.cpu_us_per_request / results.full[r]!.cpu_us_per_request)
  process.stderr.write(`round ${r + 1}/${rounds} done\n`)
}
await Promise.all([runtimes.full.close(), runtimes.rules.close()])

const medians = Object.fromEntries(
  order.map((v) => [
    v,
    {
      cpu_us_per_request: median(results[v].map((x) => x.cpu_us_per_request)),
      wall_us_per_request: median(results[v].map((x) => x.wall_us_per_request)),
    },
  ]),
) as Record<Variant, { cpu_us_per_request: number; wall_us_per_request: number }>
const report = {
  benchmark: 'prompt_guard.operator_messages rules vs full: CPU per request',
  command: `node --import tsx bench/classifiers/operator-messages-cpu.ts --rounds ${rounds} --passes ${passes}`,
  date: new Date().toISOString(),
  machine: { ...machineInfo(), load_average_at_start: loadStart.map((x) => round(x, 2)) },
  requests: {
    operator_pairs: pairs.length,
    timed: kept.length,
    not_timed_blocked_by_either_mode: pairs.length - kept.length,
    per_variant_per_round: passes * kept.length,
  },
  rounds: results,
  medians,
  ratios: {
    rules_over_full_cpu: round(medians.rules.cpu_us_per_request / medians.full.cpu_us_per_request),
    rules_over_full_cpu_paired_median: round(median(paired)),
    rules_over_full_cpu_paired_range: [round(Math.min(...paired)), round(Math.max(...paired))],
    system_prompt_cost_full_over_none: round(
      medians.full.cpu_us_per_request / medians.none.cpu_us_per_request,
    ),
    system_prompt_cost_rules_over_none: round(
      medians.rules.cpu_us_per_request / medians.none.cpu_us_per_request,
    ),
  },
}
const json = `${JSON.stringify(report, null, 2)}\n`
if (args.out) writeFileSync(args.out, json)
process.stdout.write(json)
