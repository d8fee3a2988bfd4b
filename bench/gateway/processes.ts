/**
 * Child processes for the gateway benchmark: the simulator, our router, the Portkey peer and the
 * autocannon load generator, each in its own process, plus /proc readings (RSS, CPU time).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')

/**
 * How our processes run: `dist` is the compiled JavaScript (`npm run build`, what a production
 * image would run); `tsx` runs the TypeScript sources directly, as `npm start` does (tsx's loader
 * thread adds about 35 MB of RSS, no measurable CPU per request).
 */
export type RuntimeMode = 'dist' | 'tsx'

/** Extra Node.js flags for the router process only (e.g. V8 heap sizes), space-separated. */
const ROUTER_NODE_FLAGS = (process.env['BENCH_ROUTER_NODE_FLAGS'] ?? '').split(' ').filter(Boolean)

function entry(mode: RuntimeMode, root = ROOT): string[] {
  return mode === 'dist'
    ? [join(root, 'dist', 'main.js')]
    : ['--import', 'tsx', join(root, 'src', 'main.ts')]
}

/** Compile src/ to dist/ (tsc) in `root` (this checkout by default); throws when it fails. */
export function build(root = ROOT): void {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`)
}

export interface Server {
  readonly name: string
  readonly child: ChildProcess
  readonly port: number
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

function startProcess(
  name: string,
  args: string[],
  port: number,
  env: Record<string, string> = {},
  cwd = ROOT,
): Server {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000)
  })
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`${name} exited ${code}: ${stderr}\n`)
  })
  return {
    name,
    child,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
      }),
  }
}

export function startSimulatorProcess(
  mode: RuntimeMode,
  port: number,
  model: string,
  outputTokens: number,
  /** More `simulate` flags (e.g. `--ttft-ms 40`). */
  extra: readonly string[] = [],
): Server {
  return startProcess(
    'simulator',
    [
      ...entry(mode),
      'simulate',
      '--port',
      String(port),
      '--model',
      model,
      '--accept-unknown-models',
      '--no-prompt-faults',
      '--output-tokens',
      String(outputTokens),
      '--max-connections',
      '2048',
      ...extra,
    ],
    port,
  )
}

export interface RouterProcessOptions {
  /** Classification API port (default 0: a free one nobody is told about). */
  readonly apiPort?: number
  /** Another checkout to run the router from (e.g. an older commit, for before/after runs). */
  readonly root?: string
  readonly name?: string
}

export function startRouterProcess(
  mode: RuntimeMode,
  configPath: string,
  port: number,
  options: RouterProcessOptions = {},
): Server {
  return startProcess(
    options.name ?? 'router',
    [
      ...ROUTER_NODE_FLAGS,
      ...entry(mode, options.root),
      'serve',
      '--config',
      configPath,
      '--gateway-port',
      String(port),
      '--api-port',
      String(options.apiPort ?? 0),
      '--metrics-port',
      '0',
      '--no-extproc',
      '--no-watch',
    ],
    port,
    {},
    // Another checkout runs from its own directory (its node_modules, its relative model paths).
    options.root ?? ROOT,
  )
}

/** @portkey-ai/gateway, offline, bound to loopback (environment.md §5). */
export function startPortkeyProcess(port: number): Server {
  return startProcess(
    'portkey',
    [
      '--import',
      join(import.meta.dirname, 'force-loopback.mjs'),
      join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    port,
    { NODE_ENV: 'production' },
  )
}

/** Poll until `url` answers (any status) or the deadline passes. */
export async function waitUntilUp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await fetch(url)
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not come up`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}

export interface LoadResult {
  readonly requests: number
  readonly durationSeconds: number
  readonly rps: number
  readonly errors: number
  readonly non2xx: number
  /** Milliseconds, as autocannon records them (whole-millisecond resolution). */
  readonly latency: { p50: number; p90: number; p99: number; mean: number; max: number }
}

export interface LoadSpec {
  readonly url: string
  readonly connections: number
  readonly durationSeconds: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
}

/** Run the autocannon CLI in its own process and parse its JSON report. */
export function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const args = [
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '-c',
    String(spec.connections),
    '-d',
    String(spec.durationSeconds),
    '-m',
    'POST',
    '-b',
    spec.body,
  ]
  for (const [k, v] of Object.entries(spec.headers)) args.push('-H', `${k}=${v}`)
  args.push(spec.url)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon failed (${code}): ${err}`))
      const r = JSON.parse(out) as {
        duration: number
        requests: { total: number; average: number }
        latency: { p50: number; p90: number; p99: number; average: number; max: number }
        errors: number
        timeouts: number
        non2xx: number
      }
      resolve({
        requests: r.requests.total,
        durationSeconds: r.duration,
        rps: r.requests.total / r.duration,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        latency: {
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          mean: r.latency.average,
          max: r.latency.max,
        },
      })
    })
  })
}

/** Resident set size now and at its peak (VmHWM), in MB. */
export function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0)
  return { rssMb: round(kb('VmRSS') / 1024, 1), peakRssMb: round(kb('VmHWM') / 1024, 1) }
}

/** User + system CPU seconds a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted from after the command name.
  const ticks = Number(fields[11]) + Number(fields[12])
  return ticks / 100
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** The machine a benchmark ran on, for its JSON report. */
export function machineInfo(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    load_average_at_end: loadavg().map((x) => round(x, 2)),
  }
}
