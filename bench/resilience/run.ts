/**
 * Resilience benchmark: a fleet of three simulated replicas of one model behind our router and
 * behind the Portkey gateway (its own fallback + load-balance strategy), side by side in one run.
 * Each scenario runs on a fresh fleet for each target: all replicas healthy for `--fault-at`
 * seconds, then one replica fails (`fail`: its process is killed) or slows down (`slow`: its time
 * to first token goes from 40 ms to 1 s), and the load goes on to `--duration`. Every server and
 * the load generator run in their own processes.
 *
 * Reported per target and scenario: success rate, p50/p99 latency before and after the fault, each
 * replica's share before and after, and for `slow` the slowed replica's share from 10 s after the
 * slow-down on. Targets (issue 14): 100 % success while one replica is healthy, p99 after the
 * fault ≤ 2× the all-healthy p99, the slowed replica ≤ 20 % of traffic within 10 s.
 *
 *   node --import tsx bench/resilience/run.ts [--duration 30] [--fault-at 10] [--concurrency 8]
 *                                             [--scenarios fail,slow] [--no-portkey] [--out f.json]
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  freePort,
  machineInfo,
  startPortkeyProcess,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type Server,
} from '../gateway/processes.js'
import type { LoadRecord } from './load.js'
import { summarise, type ScenarioReport } from './report.js'

const MODEL = 'm'
const BODY = JSON.stringify({
  model: MODEL,
  messages: [{ role: 'user', content: 'Say something short.' }],
  max_tokens: 16,
})
const HEALTHY_TTFT_MS = 40
const SLOW_TTFT_MS = 1_000

type Scenario = 'fail' | 'slow'
type TargetName = 'router' | 'portkey'

interface Fleet {
  readonly sims: Server[]
  /** Simulator id prefix per replica (r0, r1, r2). */
  readonly ids: string[]
}

const progress = (text: string): void => void process.stderr.write(`[resilience] ${text}\n`)

async function startFleet(): Promise<Fleet> {
  const sims: Server[] = []
  for (let i = 0; i < 3; i++) {
    const port = await freePort()
    sims.push(startSimulatorProcess('tsx', port, MODEL, 16, ['--ttft-ms', String(HEALTHY_TTFT_MS)]))
  }
  const ids: string[] = []
  for (const sim of sims) {
    await waitUntilUp(`http://127.0.0.1:${sim.port}/health`)
    const res = await fetch(`http://127.0.0.1:${sim.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    })
    const id = /"id":"(chatcmpl-sim-[0-9a-f]+)-/.exec(await res.text())?.[1]
    if (!id) throw new Error('simulator answered without an id')
    ids.push(id)
  }
  return { sims, ids }
}

function routerYaml(fleet: Fleet): string {
  return `
vllm_endpoints:
${fleet.sims.map((s, i) => `  - { name: r${i}, address: 127.0.0.1, port: ${s.port}, weight: 1 }`).join('\n')}
model_config:
  ${MODEL}: { preferred_endpoints: [r0, r1, r2] }
default_model: ${MODEL}
pipeline:
  classifiers: [{ kind: keyword }]
`
}

/** Portkey: load-balance over three fallback chains, each starting at another replica. */
function portkeyConfig(fleet: Fleet): string {
  const target = (i: number) => ({
    provider: 'openai',
    api_key: 'sk-bench',
    custom_host: `http://127.0.0.1:${fleet.sims[i % 3]!.port}/v1`,
  })
  return JSON.stringify({
    strategy: { mode: 'loadbalance' },
    targets: [0, 1, 2].map((i) => ({
      weight: 1,
      strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504] },
      targets: [target(i), target(i + 1), target(i + 2)],
    })),
  })
}

/** The load process: its records, and when its clock started (the fault is timed from there). */
function runLoad(
  url: string,
  concurrency: number,
  durationMs: number,
  headers: Record<string, string>,
): { started: Promise<void>; records: Promise<LoadRecord[]> } {
  const args = [
    '--import',
    'tsx',
    join(import.meta.dirname, 'load.ts'),
    url,
    String(concurrency),
    String(durationMs),
    BODY,
    JSON.stringify(headers),
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let onStart: () => void = () => undefined
  const started = new Promise<void>((resolve) => (onStart = resolve))
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString()
    if (err.includes('started\n')) onStart()
  })
  const records = new Promise<LoadRecord[]>((resolve, reject) => {
    child.once('exit', (code) => {
      onStart()
      if (code === 0) resolve(JSON.parse(out) as LoadRecord[])
      else reject(new Error(err))
    })
  })
  return { started, records }
}

async function injectFault(scenario: Scenario, fleet: Fleet): Promise<number> {
  if (scenario === 'fail') {
    fleet.sims[2]!.child.kill('SIGKILL')
    return 2
  }
  await fetch(`http://127.0.0.1:${fleet.sims[1]!.port}/_simulator/models/*`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ttft_ms: SLOW_TTFT_MS }),
  })
  return 1
}

async function runOne(
  target: TargetName,
  scenario: Scenario,
  opts: { durationMs: number; faultAtMs: number; concurrency: number; portkey?: Server },
): Promise<ScenarioReport> {
  progress(`${scenario} / ${target}: starting the fleet`)
  const fleet = await startFleet()
  const dir = await mkdtemp(join(tmpdir(), 'bench-resilience-'))
  let router: Server | undefined
  try {
    let url: string
    let headers: Record<string, string> = {}
    if (target === 'router') {
      const configPath = join(dir, 'config.yaml')
      await writeFile(configPath, routerYaml(fleet))
      const port = await freePort()
      router = startRouterProcess('tsx', configPath, port)
      await waitUntilUp(`http://127.0.0.1:${port}/health`)
      url = `http://127.0.0.1:${port}/v1/chat/completions`
    } else {
      url = `http://127.0.0.1:${opts.portkey!.port}/v1/chat/completions`
      headers = { 'x-portkey-config': portkeyConfig(fleet) }
    }
    progress(`${scenario} / ${target}: warm-up`)
    await runLoad(url, opts.concurrency, 2_000, headers).records // warm-up, not reported
    progress(`${scenario} / ${target}: load`)
    const load = runLoad(url, opts.concurrency, opts.durationMs, headers)
    await load.started
    await new Promise((r) => setTimeout(r, opts.faultAtMs))
    const faulty = await injectFault(scenario, fleet)
    const records = await load.records
    return summarise({
      target,
      scenario,
      records,
      replicas: fleet.ids,
      faulty,
      faultAtMs: opts.faultAtMs,
    })
  } finally {
    await router?.stop()
    await Promise.all(fleet.sims.map((s) => s.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30' },
      'fault-at': { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '8' },
      scenarios: { type: 'string', default: 'fail,slow' },
      'no-portkey': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  })
  const opts = {
    durationMs: Number(values.duration) * 1000,
    faultAtMs: Number(values['fault-at']) * 1000,
    concurrency: Number(values.concurrency),
  }
  const targets: TargetName[] = values['no-portkey'] ? ['router'] : ['router', 'portkey']
  let portkey: Server | undefined
  if (targets.includes('portkey')) {
    progress('starting portkey')
    portkey = startPortkeyProcess(await freePort())
    await waitUntilUp(`http://127.0.0.1:${portkey.port}/`)
  }
  const results: ScenarioReport[] = []
  try {
    for (const scenario of values.scenarios.split(',') as Scenario[])
      for (const target of targets)
        results.push(await runOne(target, scenario, { ...opts, ...(portkey ? { portkey } : {}) }))
  } finally {
    await portkey?.stop()
  }
  const report = {
    benchmark: 'resilience',
    date: new Date().toISOString(),
    machine: machineInfo(),
    load: {
      concurrency: opts.concurrency,
      duration_s: opts.durationMs / 1000,
      fault_at_s: opts.faultAtMs / 1000,
      replicas: 3,
      healthy_ttft_ms: HEALTHY_TTFT_MS,
      slow_ttft_ms: SLOW_TTFT_MS,
      output_tokens: 16,
      request: 'non-streaming chat completion, model m',
    },
    results,
  }
  const text = JSON.stringify(report, null, 2)
  if (values.out) await writeFile(values.out, text + '\n')
  process.stdout.write(text + '\n')
}

await main()
