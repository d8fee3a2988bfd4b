/**
 * Real processes for the deployment tests: the router (`semantic-router serve`, the container's
 * command), the simulator (`semantic-router simulate`) and Debian's Prometheus, each on loopback
 * with ports chosen at start, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { stringify } from 'yaml'
import { ROOT } from './tools.js'

const CLI = join(ROOT, 'bin', 'semantic-router.js')

export interface Running {
  readonly child: ChildProcess
  /** Every stdout/stderr line so far (for failure messages). */
  readonly output: string[]
  stop(): Promise<number | null>
}

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  uid?: number
  gid?: number
}

export function launch(
  command: string,
  args: readonly string[],
  options: LaunchOptions = {},
): Running {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  })
  const output: string[] = []
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (l) => output.push(l))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return {
    child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return child.exitCode
    },
  }
}

/** Resolve with the first line matching, or reject when the process exits or time runs out. */
export function waitForLine(
  run: Running,
  match: (line: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`timed out; output:\n${run.output.join('\n')}`)),
      timeoutMs,
    )
    const check = (): void => {
      const line = run.output.find(match)
      if (line !== undefined) done(undefined, line)
    }
    const interval = setInterval(check, 20)
    const onExit = (): void => done(new Error(`exited early; output:\n${run.output.join('\n')}`))
    run.child.once('exit', onExit)
    function done(err?: Error, line?: string): void {
      clearTimeout(timer)
      clearInterval(interval)
      run.child.off('exit', onExit)
      if (err) reject(err)
      else resolve(line!)
    }
    check()
  })
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface RouterProcess extends Running {
  readonly gateway: string
  readonly api: string
  readonly metrics: string
  readonly extproc: string
}

/**
 * `semantic-router serve` on loopback, every listener on a free port. `command` is how to start
 * the CLI (default: this checkout's bin/semantic-router.js under this Node).
 */
export async function startRouterProcess(
  configPath: string,
  options: LaunchOptions & { command?: readonly string[]; extraArgs?: readonly string[] } = {},
): Promise<RouterProcess> {
  const args = [
    'serve',
    '--config',
    configPath,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--gateway-port',
    '0',
    '--api-port',
    '0',
    '--metrics-port',
    '0',
    ...(options.extraArgs ?? []),
  ]
  const [command, ...prefix] = options.command ?? [process.execPath, CLI]
  const run = launch(command!, [...prefix, ...args], options)
  try {
    const line = await waitForLine(run, (l) => l.includes('"event":"router_started"'), 60_000)
    const started = JSON.parse(line) as Record<string, string>
    return Object.assign(run, {
      gateway: started['gateway']!,
      api: started['api']!,
      metrics: started['metrics']!,
      extproc: started['extproc']!,
    })
  } catch (err) {
    await run.stop()
    throw err
  }
}

export interface PrometheusProcess extends Running {
  readonly url: string
  query(expr: string): Promise<PromResult>
  close(): Promise<void>
}

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

export type PromResult =
  | {
      status: 'success'
      data:
        | { resultType: 'vector'; result: PromSample[] }
        | { resultType: 'scalar'; result: [number, string] }
    }
  | { status: 'error'; errorType: string; error: string }

/** Debian's prometheus scraping `target` (host:port) as job semantic-router every second. */
export async function startPrometheus(
  binary: string,
  target: string,
  ruleFiles: readonly string[] = [],
): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-prom-'))
  const port = await freePort()
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [...ruleFiles],
    scrape_configs: [{ job_name: 'semantic-router', static_configs: [{ targets: [target] }] }],
  }
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config))
  const run = launch(binary, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ])
  const url = `http://127.0.0.1:${port}`
  const close = async (): Promise<void> => {
    await run.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break
    } catch {
      // not listening yet
    }
    if (run.child.exitCode !== null || Date.now() > deadline) {
      await close()
      throw new Error(`prometheus did not start:\n${run.output.join('\n')}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return Object.assign(run, {
    url,
    close,
    async query(expr: string): Promise<PromResult> {
      const response = await fetch(
        `${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`,
      )
      return (await response.json()) as PromResult
    },
  })
}

/** Wait until `expr` returns at least one sample whose value passes `accept`. */
export async function waitForQuery(
  prom: PrometheusProcess,
  expr: string,
  accept: (v: number) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = await prom.query(expr)
    if (
      r.status === 'success' &&
      r.data.resultType === 'vector' &&
      r.data.result.some((s) => accept(Number(s.value[1])))
    )
      return
    if (Date.now() > deadline) throw new Error(`${expr} never satisfied: ${JSON.stringify(r)}`)
    await new Promise((res) => setTimeout(res, 200))
  }
}
