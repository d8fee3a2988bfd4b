/**
 * Real processes for the tests that run the CLI as a user does: one-shot commands
 * (`runCli`), long-running ones (`launch`, `waitForLine`), and the router (`semantic-router
 * serve`) on loopback with every port chosen at start, stopped by pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { unusedPort } from './ports.js'

const ROOT = join(import.meta.dirname, '..', '..')
/** The installed entry point (bin/semantic-router.js: the sources through tsx). */
export const CLI = join(ROOT, 'bin', 'semantic-router.js')

/** `serve` arguments for loopback with every listener on a free port. */
export const LOOPBACK_PORTS: readonly string[] = [
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
]

export interface CliResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Run one CLI command to completion in its own process (the test runner owns this one's stdout). */
export function runCli(args: readonly string[], options: { input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input,
    timeout: 60_000,
  })
  if (r.error) throw r.error
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * `runCli` without blocking this process: for commands that talk to a server the test itself runs
 * (a spawnSync would stop that server from answering).
 */
export function runCliAsync(args: readonly string[]): Promise<CliResult> {
  return runNodeAsync([CLI, ...args])
}

/** `node <args>` to completion without blocking this process (killed after 60 s). */
export function runNodeAsync(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('error', reject)
    child.once('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

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

/** A port for a server started later (see ports.ts: outside the range listen(0) draws from). */
export function freePort(): Promise<number> {
  return unusedPort()
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
  const args = ['serve', '--config', configPath, ...LOOPBACK_PORTS, ...(options.extraArgs ?? [])]
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
