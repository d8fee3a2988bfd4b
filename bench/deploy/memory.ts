/**
 * Resident memory of the router as deployed, for each way the container could run it, side by
 * side in one run:
 *
 *   dist  `node dist/main.js` — the compiled JavaScript (`npm run build`), what the image runs;
 *   tsx   `bin/semantic-router.js` — the TypeScript sources through tsx (TSX_DISABLE_CACHE=1), what
 *         the image ran before and what `npm start` runs.
 *
 * Each is `semantic-router serve` with every listener (ext_proc included) and the Kubernetes base
 * config (embedded category model and sentence embedding loaded, semantic cache on), in front of
 * the simulator, loaded by autocannon in its own process at rising concurrency. Prints JSON per
 * runtime: RSS once ready, after each load step, and the peak (VmHWM), plus the models
 * /info/models reports as loaded. These figures size the Deployment's memory requests and limits
 * (docs/operations.md#resources).
 *
 *   node --import tsx bench/deploy/memory.ts [--seconds 5] [--connections 8,64] [--runtimes dist,tsx]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseDocument } from 'yaml'
import {
  build,
  freePort,
  memoryOf,
  ROOT,
  round,
  runAutocannon,
  startSimulatorProcess,
  waitUntilUp,
  type RuntimeMode,
} from '../gateway/processes.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8,64' },
    runtimes: { type: 'string', default: 'dist,tsx' },
    // inference.placement for the run (default: the config's, i.e. auto).
    placement: { type: 'string' },
  },
})
const seconds = Number(values.seconds)
const steps = values.connections.split(',').map(Number)
const runtimes = values.runtimes.split(',') as RuntimeMode[]

const BODIES = {
  // Keyword rule → math; the semantic cache embeds the prompt (one fresh question per request
  // would need a body per request; a repeated one is answered from the cache after the first).
  routed_math: {
    model: 'MoM',
    messages: [{ role: 'user', content: 'What is the integral of x^2 from 0 to 3?' }],
  },
  // No keyword: the embedded category model classifies it.
  model_classified: {
    model: 'MoM',
    messages: [{ role: 'user', content: 'Tell me about the Roman empire and its roads' }],
  },
}

/** How the image (dist) or the previous image (tsx) starts the CLI. */
function command(mode: RuntimeMode): { args: string[]; env: NodeJS.ProcessEnv } {
  return mode === 'dist'
    ? { args: [join(ROOT, 'dist', 'main.js')], env: {} }
    : { args: [join(ROOT, 'bin', 'semantic-router.js')], env: { TSX_DISABLE_CACHE: '1' } }
}

async function waitReady(api: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`router exited (${child.exitCode})`)
    try {
      if ((await fetch(`${api}/ready`)).ok) return
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function measure(mode: RuntimeMode, configPath: string): Promise<Record<string, unknown>> {
  const gatewayPort = await freePort()
  const apiPort = await freePort()
  const { args, env } = command(mode)
  const started = performance.now()
  const router = spawn(
    process.execPath,
    [
      ...args,
      'serve',
      '--config',
      configPath,
      '--host',
      '127.0.0.1',
      '--gateway-port',
      String(gatewayPort),
      '--api-port',
      String(apiPort),
      '--metrics-port',
      '0',
      '--port',
      '0',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: 'production', SR_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    },
  )
  try {
    const api = `http://127.0.0.1:${apiPort}`
    await waitReady(api, router)
    const readyMs = performance.now() - started
    await new Promise((r) => setTimeout(r, 2_000))
    const idle = memoryOf(router.pid!)
    const info = (await (await fetch(`${api}/info/models`)).json()) as {
      models: { name: string; model_path: string; memory_usage?: string }[]
    }
    const results = []
    for (const [name, body] of Object.entries(BODIES)) {
      for (const connections of steps) {
        const r = await runAutocannon({
          url: `http://127.0.0.1:${gatewayPort}/v1/chat/completions`,
          connections,
          durationSeconds: seconds,
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        })
        const mem = memoryOf(router.pid!)
        results.push({
          body: name,
          connections,
          rps: round(r.rps, 1),
          p99_ms: r.latency.p99,
          errors: r.errors,
          non2xx: r.non2xx,
          rss_mb_after: mem.rssMb,
          peak_rss_mb_so_far: mem.peakRssMb,
        })
      }
    }
    const final = memoryOf(router.pid!)
    return {
      runtime: mode,
      command: `node ${args.map((a) => a.replace(`${ROOT}/`, '')).join(' ')} serve …`,
      ready_ms: Math.round(readyMs),
      models: info.models.map((m) => ({
        name: m.name,
        path: m.model_path.replace(`${ROOT}/`, ''),
        ...(m.memory_usage ? { memory_usage: m.memory_usage } : {}),
      })),
      idle_rss_mb: idle.rssMb,
      steps: results,
      peak_rss_mb: final.peakRssMb,
      final_rss_mb: final.rssMb,
    }
  } finally {
    const exited = new Promise((r) => router.once('exit', r))
    router.kill('SIGTERM')
    await exited
  }
}

async function main(): Promise<void> {
  if (runtimes.includes('dist')) build()
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-mem-'))
  const simPort = await freePort()
  const sim = startSimulatorProcess('dist', simPort, 'qwen3-8b', 64)
  const doc = parseDocument(
    readFileSync(join(ROOT, 'deploy', 'kubernetes', 'base', 'config.yaml'), 'utf8'),
  )
  doc.setIn(['vllm_endpoints', 0, 'address'], '127.0.0.1')
  doc.setIn(['vllm_endpoints', 0, 'port'], simPort)
  if (values.placement) doc.setIn(['inference', 'placement'], values.placement)
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, doc.toString())
  const start = loadavg()
  try {
    await waitUntilUp(`http://127.0.0.1:${simPort}/health`)
    const measured = []
    for (const mode of runtimes) measured.push(await measure(mode, configPath))
    const byMode = Object.fromEntries(measured.map((m) => [m.runtime, m]))
    const difference = (key: string): number | undefined =>
      byMode['dist'] && byMode['tsx']
        ? round((byMode['tsx'][key] as number) - (byMode['dist'][key] as number), 1)
        : undefined
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'deploy/memory',
          command: `node --import tsx bench/deploy/memory.ts --seconds ${seconds} --connections ${steps.join(',')} --runtimes ${runtimes.join(',')}`,
          date: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            model: cpus()[0]?.model,
            node: process.version,
            loadavg_start: start.map((v) => round(v, 2)),
            loadavg_end: loadavg().map((v) => round(v, 2)),
          },
          config: 'deploy/kubernetes/base/config.yaml (embedded models, memory semantic cache)',
          placement: values.placement ?? 'auto',
          backend: 'simulator (64 output tokens, no delay)',
          runtimes: measured,
          tsx_minus_dist_mb: {
            idle_rss: difference('idle_rss_mb'),
            peak_rss: difference('peak_rss_mb'),
          },
        },
        null,
        2,
      )}\n`,
    )
  } finally {
    await sim.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
