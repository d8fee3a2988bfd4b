/**
 * ext_proc benchmark: the router's ext_proc server (bundled config, embedded default classifiers)
 * against a bare grpc-js echo processor (the floor), each in its own process, driven by a load
 * generator in a third process. Prints one JSON document and writes bench/results/extproc.json.
 *
 *   node --import tsx bench/extproc/run.ts [--quick] [--config config/config.yaml] [--keyword-only]
 *
 * The router runs with the semantic cache off (see server.ts); `--keyword-only` also limits the
 * classifier chain to keyword rules (no category model), to show what the ML model costs.
 *
 * Phases per target: latency at concurrency 1, throughput at concurrency 64, 5,000 streams open at
 * once, and server memory (after GC) every 10,000 streams over 100,000 streams.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const here = import.meta.dirname
const root = join(here, '../..')
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const configIndex = argv.indexOf('--config')
const config = configIndex === -1 ? join(root, 'config/config.yaml') : argv[configIndex + 1]!
const keywordOnly = argv.includes('--keyword-only')
const clientIndex = argv.indexOf('--client')
const clientKind = clientIndex === -1 ? 'h2' : argv[clientIndex + 1]!

const PLAN = quick
  ? { latency: 1000, seconds: 3, concurrent: 2000, memory: 20_000, every: 5_000 }
  : { latency: 3000, seconds: 10, concurrent: 5000, memory: 100_000, every: 10_000 }

interface Memory {
  rss: number
  heapUsed: number
  external: number
}

async function startServer(
  kind: 'echo' | 'router',
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(
    join(here, 'server.ts'),
    ['--kind', kind, '--config', config, '--keyword-only', String(keywordOnly)],
    {
      cwd: root,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)))
  })
  return { child, port: (JSON.parse(line) as { port: number }).port }
}

function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; micros?: number }) => {
      if (m.type !== 'cpu') return
      child.off('message', onMessage)
      resolve(m.micros!)
    }
    child.on('message', onMessage)
    child.send({ type: 'cpu' })
  })
}

function serverMemory(child: ChildProcess): Promise<Memory> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== 'memory') return
      child.off('message', onMessage)
      resolve(m as unknown as Memory)
    }
    child.on('message', onMessage)
    child.send({ type: 'memory' })
  })
}

async function load(port: number, mode: string, extra: string[], server?: ChildProcess) {
  const child = fork(
    join(here, 'load.ts'),
    ['--target', `127.0.0.1:${port}`, '--mode', mode, '--client', clientKind, ...extra],
    {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  )
  const samples: { streams: number; heap_mb: number; rss_mb: number }[] = []
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('message', (m: { type: string; done?: number; result?: Record<string, unknown> }) => {
      if (m.type === 'progress' && server) {
        void serverMemory(server).then((mem) => {
          samples.push({ streams: m.done!, heap_mb: mb(mem.heapUsed), rss_mb: mb(mem.rss) })
          child.send({ type: 'continue' })
        })
      } else if (m.type === 'result')
        resolve(samples.length > 0 ? { ...m.result, samples } : m.result!)
    })
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`load ${mode} exited ${code}`)),
    )
  })
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

async function measure(kind: 'echo' | 'router') {
  const { child, port } = await startServer(kind)
  try {
    const before = await serverMemory(child)
    const latency = await load(port, 'latency', ['--streams', String(PLAN.latency)])
    const cpuBefore = await serverCpuMicros(child)
    const throughput = await load(port, 'throughput', [
      '--concurrency',
      '64',
      '--seconds',
      String(PLAN.seconds),
    ])
    // Server CPU per stream: robust on a shared machine; 1e6 / it bounds streams/s per core.
    const cpuUs = (await serverCpuMicros(child)) - cpuBefore
    const perStream = Math.round(cpuUs / (throughput['streams_including_warmup'] as number))
    throughput['server_cpu_us_per_stream'] = perStream
    throughput['streams_per_s_per_core_from_cpu'] = Math.round(1e6 / perStream)
    const concurrent = await load(port, 'concurrent', ['--streams', String(PLAN.concurrent)])
    const memory = await load(
      port,
      'memory',
      ['--streams', String(PLAN.memory), '--every', String(PLAN.every)],
      child,
    )
    const samples = memory['samples'] as { heap_mb: number }[]
    // Growth after the first checkpoint (warm-up: JIT, pools, prom-client label sets).
    const growth = samples.length > 1 ? samples.at(-1)!.heap_mb - samples[0]!.heap_mb : 0
    return {
      heap_mb_at_start: mb(before.heapUsed),
      latency,
      throughput,
      concurrent,
      memory: { ...memory, heap_growth_mb_after_first_checkpoint: Math.round(growth * 10) / 10 },
    }
  } finally {
    child.kill('SIGTERM')
  }
}

const loadStart = loadavg()
const started = new Date()
const echo = await measure('echo')
const router = await measure('router')
const num = (o: unknown, path: string[]) =>
  path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o) as number
const report = {
  benchmark: 'extproc',
  command: ['node --import tsx bench/extproc/run.ts', ...argv].join(' '),
  date: started.toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadavg_start: loadStart.map((x) => Math.round(x * 100) / 100),
    loadavg_end: loadavg().map((x) => Math.round(x * 100) / 100),
  },
  config,
  keyword_only: keywordOnly,
  semantic_cache: false,
  load_client: clientKind,
  echo,
  router,
  ratios: {
    p50_latency_router_over_echo:
      Math.round((num(router, ['latency', 'p50_ms']) / num(echo, ['latency', 'p50_ms'])) * 100) /
      100,
    server_cpu_per_stream_router_over_echo:
      Math.round(
        (num(router, ['throughput', 'server_cpu_us_per_stream']) /
          num(echo, ['throughput', 'server_cpu_us_per_stream'])) *
          100,
      ) / 100,
    throughput_router_over_echo:
      Math.round(
        (num(router, ['throughput', 'streams_per_s']) /
          num(echo, ['throughput', 'streams_per_s'])) *
          100,
      ) / 100,
  },
  targets: {
    p50_le_1ms_at_concurrency_1: num(router, ['latency', 'p50_ms']) <= 1,
    ge_2000_streams_per_s: num(router, ['throughput', 'streams_per_s']) >= 2000,
    open_streams_without_errors:
      num(router, ['concurrent', 'errors']) === 0 &&
      num(router, ['concurrent', 'held_open_at_once']) === PLAN.concurrent,
    flat_memory:
      num(router, ['memory', 'heap_growth_mb_after_first_checkpoint']) < 10 &&
      num(router, ['memory', 'errors']) === 0,
  },
}
const json = JSON.stringify(report, null, 2)
process.stdout.write(`${json}\n`)
if (!quick) {
  mkdirSync(join(root, 'bench/results'), { recursive: true })
  writeFileSync(join(root, 'bench/results/extproc.json'), `${json}\n`)
}
