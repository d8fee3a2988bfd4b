/**
 * Steady-state CPU profile of the ext_proc server of a checkout (this one or an earlier revision),
 * under the same load as bench/arch/before-after.ts's ext_proc phase: the gateway benchmark's
 * router config, keyword-only, semantic cache off, 64 concurrent streams from this checkout's load
 * generator. The checkout's own bench/extproc/server.ts runs the router with this checkout's
 * bench/arch/window-profile.mjs preloaded, so an older revision needs no change.
 *
 *   node --import tsx bench/arch/extproc-window.ts --tree /path/to/checkout --dir /tmp/prof \
 *     [--start-at 8000] [--window 6000] [--seconds 14]
 *
 * Writes win-<pid>.cpuprofile and win-<pid>.json ({requests = streams, cpu_us_per_req}) into --dir
 * and prints the JSON; compare two with bench/arch/profile-diff.ts.
 */
import { fork } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { routerConfig } from '../gateway/setup.js'

const { values } = parseArgs({
  options: {
    tree: { type: 'string' },
    dir: { type: 'string' },
    'start-at': { type: 'string', default: '8000' },
    window: { type: 'string', default: '6000' },
    seconds: { type: 'string', default: '14' },
  },
})
if (!values.tree || !values.dir)
  throw new Error('--tree <checkout> and --dir <output> are required')
const tree = resolve(values.tree)
const dir = resolve(values.dir)
mkdirSync(dir, { recursive: true })
const config = join(dir, 'router.yaml')
writeFileSync(config, routerConfig(18000))

const server = fork(
  join(tree, 'bench/extproc/server.ts'),
  ['--kind', 'router', '--config', config, '--keyword-only', 'true'],
  {
    cwd: tree,
    execArgv: ['--import', 'tsx', '--import', join(import.meta.dirname, 'window-profile.mjs')],
    env: {
      ...process.env,
      PROF_DIR: dir,
      PROF_START_AT: values['start-at'],
      PROF_LEN: values.window,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  },
)
const line = await new Promise<string>((ok) =>
  createInterface({ input: server.stdout! }).once('line', ok),
)
const port = (JSON.parse(line) as { port: number }).port
const load0 = loadavg()[0]!
const loadGen = fork(
  join(import.meta.dirname, '../extproc/load.ts'),
  [
    ...['--target', `127.0.0.1:${port}`, '--mode', 'throughput'],
    ...['--concurrency', '64', '--seconds', values.seconds],
  ],
  { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
)
const result = await new Promise<unknown>((ok) =>
  loadGen.on('message', (m: { type: string; result?: unknown }) => {
    if (m.type === 'result') ok(m.result)
  }),
)
const written = join(dir, `win-${server.pid}.json`)
for (let i = 0; i < 100 && !existsSync(written); i++) await new Promise((ok) => setTimeout(ok, 100))
server.kill('SIGTERM')
if (!existsSync(written))
  throw new Error(`no profile window: fewer than --start-at streams? ${JSON.stringify(result)}`)
const window = JSON.parse(readFileSync(written, 'utf8')) as object
process.stdout.write(
  `${JSON.stringify({ tree, pid: server.pid, window, loadavg: [load0, loadavg()[0]], load: result })}\n`,
)
