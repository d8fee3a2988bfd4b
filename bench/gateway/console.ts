/**
 * What the live console costs the gateway: the same load through one router with no console open
 * and with one console reading the event stream, alternated in one run (the order rotates every
 * round), and — with `--baseline <git rev>` — through the router built from an older commit that
 * has no event stream at all (before/after).
 *
 *   node --import tsx bench/gateway/console.ts [--duration 8] [--warmup 2] [--rounds 3]
 *        [--connections 10,50] [--baseline <rev>] [--out f.json]
 *
 * The console is a separate process that reads the Server-Sent Events stream as a browser would
 * and counts what it received (it does not parse it: the browser's work happens on the operator's
 * machine, not the router's). Every process (simulator, routers, console, autocannon) is its own.
 * Reported per phase: req/s and router CPU per request (median over rounds) and the ratios.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  build,
  cpuSecondsOf,
  freePort,
  machineInfo,
  ROOT,
  round,
  runAutocannon,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type Server,
} from './processes.js'
import { body, routerConfig } from './setup.js'

type Phase = 'baseline' | 'none' | 'open'

/** The console's defaults, except linger 0: a closed console stops the listening at once. */
const CONSOLE_SECTION = `
console:
  linger_seconds: 0
`

/** Reads the stream, says `ready` after the first bytes, prints what it got on SIGTERM. */
const READER = `
const res = await fetch(process.argv[1], { headers: { accept: 'text/event-stream' } })
if (!res.ok) { console.error('stream answered', res.status); process.exit(1) }
let bytes = 0, frames = 0, ready = false
const started = Date.now()
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify({ bytes, frames, seconds: (Date.now() - started) / 1000 }) + '\\n')
  process.exit(0)
})
for await (const chunk of res.body) {
  bytes += chunk.length
  for (let i = 0; i + 1 < chunk.length; i++) if (chunk[i] === 10 && chunk[i + 1] === 10) frames++
  if (!ready) { ready = true; process.stdout.write('ready\\n') }
}
`

interface Reader {
  stop(): Promise<{ bytes: number; frames: number; seconds: number }>
}

async function openConsole(streamUrl: string): Promise<Reader> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--input-type=module', '-e', READER, streamUrl],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('ready\n')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`console reader exited (${code})`)))
  })
  return {
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit')
        child.once('exit', () => {
          const last = out.trim().split('\n').at(-1) ?? '{}'
          resolve(JSON.parse(last) as { bytes: number; frames: number; seconds: number })
        })
        child.kill('SIGTERM')
      }),
  }
}

/** A checkout of `rev` next to this one (node_modules shared), built to dist/. */
async function checkout(
  rev: string,
): Promise<{ root: string; sha: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'bench-baseline-'))
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  git('worktree', 'add', '--detach', root, rev)
  await symlink(join(ROOT, 'node_modules'), join(root, 'node_modules'))
  build(root)
  return {
    root,
    sha: git('rev-parse', '--short', rev),
    remove: async () => {
      git('worktree', 'remove', '--force', root)
      await rm(root, { recursive: true, force: true })
    },
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

interface Cell {
  phase: Phase
  round: number
  connections: number
  rps: number
  cpuUsPerRequest: number
  p50Ms: number
  p99Ms: number
  non2xx: number
  errors: number
  stream?: { bytes: number; frames: number; seconds: number }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10,50' },
      baseline: { type: 'string' },
      out: { type: 'string' },
    },
  })
  const duration = Number(values.duration)
  const warmup = Number(values.warmup)
  const rounds = Number(values.rounds)
  const levels = values.connections.split(',').map(Number)
  build()
  const base = values.baseline ? await checkout(values.baseline) : undefined
  const dir = await mkdtemp(join(tmpdir(), 'bench-console-'))
  const servers: Server[] = []
  try {
    const simPort = await freePort()
    servers.push(startSimulatorProcess('dist', simPort, 'qwen3-8b', 16))
    const configPath = join(dir, 'config.yaml')
    await writeFile(configPath, routerConfig(simPort, CONSOLE_SECTION))
    const apiPort = await freePort()
    const router = startRouterProcess('dist', configPath, await freePort(), { apiPort })
    servers.push(router)
    const gateways: Partial<Record<Phase, Server>> = { none: router, open: router }
    if (base) {
      const baseConfig = join(dir, 'baseline.yaml')
      await writeFile(baseConfig, routerConfig(simPort))
      gateways.baseline = startRouterProcess('dist', baseConfig, await freePort(), {
        root: base.root,
        name: 'baseline',
      })
      servers.push(gateways.baseline)
    }
    for (const s of servers) await waitUntilUp(`http://127.0.0.1:${s.port}/`)
    const streamUrl = `http://127.0.0.1:${apiPort}/ui/api/stream`
    await waitUntilUp(`http://127.0.0.1:${apiPort}/health`)

    const phases: Phase[] = base ? ['baseline', 'none', 'open'] : ['none', 'open']
    const cells: Cell[] = []
    for (let r = 0; r < rounds; r++) {
      const order = phases.map((_, i) => phases[(i + r) % phases.length]!)
      for (const connections of levels)
        for (const phase of order) {
          const server = gateways[phase]!
          const spec = {
            url: `http://127.0.0.1:${server.port}/v1/chat/completions`,
            body: body('MoM'),
            headers: { 'content-type': 'application/json' },
            connections,
          }
          const reader = phase === 'open' ? await openConsole(streamUrl) : undefined
          if (warmup > 0) await runAutocannon({ ...spec, durationSeconds: warmup })
          const cpuBefore = cpuSecondsOf(server.child.pid!)
          const result = await runAutocannon({ ...spec, durationSeconds: duration })
          const cpu = cpuSecondsOf(server.child.pid!) - cpuBefore
          const stream = await reader?.stop()
          // linger_seconds is 0: the router stops listening as soon as the console is gone.
          if (reader) await new Promise((resolve) => setTimeout(resolve, 500))
          cells.push({
            phase,
            round: r,
            connections,
            rps: round(result.rps, 1),
            cpuUsPerRequest: round((cpu / Math.max(1, result.requests)) * 1e6, 1),
            p50Ms: result.latency.p50,
            p99Ms: result.latency.p99,
            non2xx: result.non2xx,
            errors: result.errors,
            ...(stream ? { stream } : {}),
          })
          process.stderr.write(
            `round ${r} c=${connections} ${phase}: ${Math.round(result.rps)} req/s, ${round((cpu / Math.max(1, result.requests)) * 1e6, 1)} us CPU/req\n`,
          )
        }
    }
    const summary = levels.map((connections) => {
      const of = (phase: Phase) =>
        cells.filter((c) => c.phase === phase && c.connections === connections)
      const med = (phase: Phase, key: 'rps' | 'cpuUsPerRequest') => {
        const xs = of(phase).map((c) => c[key])
        return xs.length ? round(median(xs), 1) : undefined
      }
      const ratio = (a?: number, b?: number) => (a && b ? round(a / b, 4) : undefined)
      const streamed = of('open').flatMap((c) => (c.stream ? [c.stream] : []))
      return {
        connections,
        median_rps: {
          baseline: med('baseline', 'rps'),
          none: med('none', 'rps'),
          open: med('open', 'rps'),
        },
        median_cpu_us_per_request: {
          baseline: med('baseline', 'cpuUsPerRequest'),
          none: med('none', 'cpuUsPerRequest'),
          open: med('open', 'cpuUsPerRequest'),
        },
        rps_open_vs_none: ratio(med('open', 'rps'), med('none', 'rps')),
        rps_none_vs_baseline: ratio(med('none', 'rps'), med('baseline', 'rps')),
        cpu_open_vs_none: ratio(med('open', 'cpuUsPerRequest'), med('none', 'cpuUsPerRequest')),
        cpu_none_vs_baseline: ratio(
          med('none', 'cpuUsPerRequest'),
          med('baseline', 'cpuUsPerRequest'),
        ),
        stream_kb_per_second: streamed.length
          ? round(median(streamed.map((s) => s.bytes / 1024 / s.seconds)), 1)
          : undefined,
      }
    })
    const report = {
      benchmark: 'gateway-console',
      date: new Date().toISOString(),
      command:
        `node --import tsx bench/gateway/console.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machineInfo(),
      settings: {
        duration,
        warmup,
        rounds,
        levels,
        baseline: base ? { rev: values.baseline, sha: base.sha } : undefined,
        request: 'non-streaming chat completion through the gateway, model MoM (keyword rule)',
        console: 'one SSE reader process, console defaults (500 ms updates, 50 events per update)',
      },
      summary,
      cells,
    }
    const text = `${JSON.stringify(report, null, 2)}\n`
    process.stdout.write(text)
    if (values.out) await writeFile(values.out, text)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await rm(dir, { recursive: true, force: true })
    await base?.remove()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
