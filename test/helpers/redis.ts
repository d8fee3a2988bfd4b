/**
 * A real Redis for tests: Debian's `redis-server` started on a free loopback port with no
 * persistence, stopped by pid. `.ci/run` installs redis-server when it is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unusedPort } from './ports.js'

export interface TestRedis {
  readonly url: string
  readonly port: number
  /** The redis-server process (benchmarks read its CPU time). */
  readonly pid: number
  stop(): Promise<void>
}

/**
 * The process id of the Redis answering on `port` (INFO server), or undefined when nothing (or
 * no Redis) answers there within a second.
 */
function redisPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let text = ''
    const done = (pid: number | undefined) => {
      socket.destroy()
      resolve(pid)
    }
    socket.setTimeout(1_000, () => done(undefined))
    socket.once('connect', () => socket.write('INFO server\r\n'))
    socket.on('data', (data) => {
      text += data.toString()
      const pid = /^process_id:(\d+)\r?$/m.exec(text)?.[1]
      if (pid !== undefined) done(Number(pid))
      else if (!text.startsWith('$') || text.length > 64 * 1024) done(undefined)
    })
    socket.once('error', () => done(undefined))
    socket.once('close', () => done(undefined))
  })
}

/**
 * Start redis-server on a port that was free a moment ago (unusedPort: outside the range listen(0)
 * and outgoing connections draw from). Another process may still bind it between the check and
 * redis-server's bind: then our server exits, or another Redis answers there. Only a server whose
 * process id is our child's counts; otherwise try again on a new port.
 */
export async function startRedis(): Promise<TestRedis> {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnFreePort()
    if (started) return started
    if (attempt === 5) throw new Error('redis-server did not start (is it installed?)')
  }
}

async function startOnFreePort(): Promise<TestRedis | undefined> {
  const port = await unusedPort()
  const dir = mkdtempSync(join(tmpdir(), 'vsr-redis-'))
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve))
  const deadline = Date.now() + 30_000
  while ((await redisPid(port)) !== child.pid) {
    const failed = await Promise.race([spawnFailed, Promise.resolve(undefined)])
    if (failed) throw new Error(`redis-server could not be started: ${failed.message}`)
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      await exited
      rmSync(dir, { recursive: true, force: true })
      return undefined
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
