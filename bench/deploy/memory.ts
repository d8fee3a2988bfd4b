/**
 * Resident memory of the router as deployed: `semantic-router serve` run the way the container
 * runs it (tsx, TSX_DISABLE_CACHE=1, every listener including ext_proc) with the Kubernetes base
 * config, in front of the simulator, loaded by autocannon in its own process at rising
 * concurrency. Prints JSON: idle RSS after start, then per load step throughput, latency and the
 * RSS peak (VmHWM) and end value. These numbers size the Deployment's memory requests and limits
 * (docs/operations.md#resources).
 *
 *   node --import tsx bench/deploy/memory.ts [--seconds 10] [--connections 8,32,64]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseDocument } from 'yaml'
import {
  freePort,
  memoryOf,
  ROOT,
  round,
  runAutocannon,
  startSimulatorProcess,
  waitUntilUp,
} from '../gateway/processes.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8,32,64' },
  },
})
const seconds = Number(values.seconds)
const steps = values.connections.split(',').map(Number)

const BODIES = {
  routed_math: {
    model: 'MoM',
    messages: [{ role: 'user', content: 'What is the integral of x^2 from 0 to 3?' }],
  },
  default_model: {
    model: 'MoM',
    messages: [{ role: 'user', content: 'Tell me about the Roman empire and its roads' }],
  },
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sr-bench-mem-'))
  const simPort = await freePort()
  const gatewayPort = await freePort()
  const apiPort = await freePort()
  const sim = startSimulatorProcess('tsx', simPort, 'qwen3-8b', 64)
  const doc = parseDocument(
    readFileSync(join(ROOT, 'deploy', 'kubernetes', 'base', 'config.yaml'), 'utf8'),
  )
  doc.setIn(['vllm_endpoints', 0, 'address'], '127.0.0.1')
  doc.setIn(['vllm_endpoints', 0, 'port'], simPort)
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, doc.toString())
  const router = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'semantic-router.js'),
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
      env: { ...process.env, TSX_DISABLE_CACHE: '1', NODE_ENV: 'production', SR_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    },
  )
  const load = { start: loadavg(), end: [] as number[] }
  try {
    await waitUntilUp(`http://127.0.0.1:${simPort}/health`)
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${apiPort}/ready`)).ok) break
      } catch {
        // starting
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    await new Promise((r) => setTimeout(r, 2_000))
    const idle = memoryOf(router.pid!)
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
    load.end = loadavg()
    const final = memoryOf(router.pid!)
    process.stdout.write(
      `${JSON.stringify(
        {
          bench: 'deploy/memory',
          command: `node --import tsx bench/deploy/memory.ts --seconds ${seconds} --connections ${steps.join(',')}`,
          date: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            model: cpus()[0]?.model,
            loadavg_start: load.start.map((v) => round(v, 2)),
            loadavg_end: load.end.map((v) => round(v, 2)),
          },
          router:
            'semantic-router serve (tsx, TSX_DISABLE_CACHE=1, all listeners), deploy/kubernetes/base/config.yaml',
          backend: 'simulator (64 output tokens, no delay)',
          idle_rss_mb: idle.rssMb,
          steps: results,
          peak_rss_mb: final.peakRssMb,
          final_rss_mb: final.rssMb,
        },
        null,
        2,
      )}\n`,
    )
  } finally {
    router.kill('SIGTERM')
    await sim.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
