/**
 * Gateway benchmark: the same non-streaming chat request, in one run, sent
 *   - directly to the simulator (the baseline),
 *   - through our gateway (`model: MoM`: keyword classification, model rewrite, reasoning field),
 *   - through @portkey-ai/gateway (the peer, pointed at the same simulator),
 * at several connection counts. Every server and the load generator (autocannon) run in their own
 * processes. Prints one JSON document (and writes it with --out).
 *
 *   node --import tsx bench/gateway/run.ts [--duration 10] [--connections 1,10,50] [--out f.json]
 *                                          [--runtime dist|tsx] [--no-portkey]
 *
 * `--runtime dist` (default) builds and runs the compiled JavaScript, as production would.
 * `BENCH_ROUTER_NODE_FLAGS="--max-old-space-size=64 ..."` passes Node.js flags to the router only.
 *
 * autocannon records latency in whole milliseconds, so the added latency is also given precisely
 * from its own counts: with N connections in a closed loop, mean latency = N / throughput.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  build,
  cpuSecondsOf,
  freePort,
  machineInfo,
  memoryOf,
  round,
  runAutocannon,
  startPortkeyProcess,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type LoadResult,
  type RuntimeMode,
  type Server,
} from './processes.js'
import { body, MODEL, routerConfig } from './setup.js'

interface Target {
  readonly name: 'direct' | 'gateway' | 'portkey'
  readonly server: Server
  readonly url: string
  readonly body: string
  readonly headers: Record<string, string>
}

interface Cell extends LoadResult {
  readonly target: string
  readonly connections: number
  /** Mean latency from throughput (Little's law), microseconds. */
  readonly meanLatencyUs: number
  /** CPU time the target process spent per request, microseconds. */
  readonly cpuUsPerRequest: number
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '1,10,50' },
      'output-tokens': { type: 'string', default: '16' },
      out: { type: 'string' },
      'no-portkey': { type: 'boolean', default: false },
      runtime: { type: 'string', default: 'dist' },
    },
  })
  const mode = values.runtime as RuntimeMode
  if (mode !== 'dist' && mode !== 'tsx') throw new Error('--runtime must be dist or tsx')
  if (mode === 'dist') build()
  const duration = Number(values.duration)
  const warmup = Number(values.warmup)
  const levels = values.connections.split(',').map(Number)
  const dir = await mkdtemp(join(tmpdir(), 'bench-gateway-'))
  const servers: Server[] = []
  try {
    const simPort = await freePort()
    const sim = startSimulatorProcess(mode, simPort, MODEL, Number(values['output-tokens']))
    servers.push(sim)
    const configPath = join(dir, 'config.yaml')
    await writeFile(configPath, routerConfig(simPort))
    const router = startRouterProcess(mode, configPath, await freePort())
    servers.push(router)
    const targets: Target[] = [
      {
        name: 'direct',
        server: sim,
        url: `http://127.0.0.1:${simPort}/v1/chat/completions`,
        body: body(MODEL),
        headers: {},
      },
      {
        name: 'gateway',
        server: router,
        url: `http://127.0.0.1:${router.port}/v1/chat/completions`,
        body: body('MoM'),
        headers: {},
      },
    ]
    if (!values['no-portkey']) {
      const portkey = startPortkeyProcess(await freePort())
      servers.push(portkey)
      targets.push({
        name: 'portkey',
        server: portkey,
        url: `http://127.0.0.1:${portkey.port}/v1/chat/completions`,
        body: body(MODEL),
        headers: {
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `http://127.0.0.1:${simPort}/v1`,
          authorization: 'Bearer sk-bench',
        },
      })
    }
    for (const t of targets) await waitUntilUp(t.url.replace('/v1/chat/completions', '/'))
    await checkAnswers(targets)
    const idleMemory = Object.fromEntries(
      targets.map((t) => [t.name, memoryOf(t.server.child.pid!)]),
    )

    const cells: Cell[] = []
    for (const connections of levels) {
      for (const t of targets) {
        const spec = {
          url: t.url,
          body: t.body,
          headers: { 'content-type': 'application/json', ...t.headers },
        }
        if (warmup > 0) await runAutocannon({ ...spec, connections, durationSeconds: warmup })
        const cpuBefore = cpuSecondsOf(t.server.child.pid!)
        const r = await runAutocannon({ ...spec, connections, durationSeconds: duration })
        const cpu = cpuSecondsOf(t.server.child.pid!) - cpuBefore
        cells.push({
          ...r,
          target: t.name,
          connections,
          meanLatencyUs: round((connections / r.rps) * 1e6, 1),
          cpuUsPerRequest: round((cpu / Math.max(1, r.requests)) * 1e6, 1),
        })
        process.stderr.write(
          `${t.name} c=${connections}: ${Math.round(r.rps)} req/s p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms\n`,
        )
      }
    }
    const memory = Object.fromEntries(
      targets.map((t) => [t.name, { idle: idleMemory[t.name], ...memoryOf(t.server.child.pid!) }]),
    )
    const report = summarise(cells, memory, { duration, warmup, levels, runtime: mode })
    const text = `${JSON.stringify(report, null, 2)}\n`
    process.stdout.write(text)
    if (values.out) await writeFile(values.out, text)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await rm(dir, { recursive: true, force: true })
  }
}

/** One request through each target must succeed before anything is measured. */
async function checkAnswers(targets: readonly Target[]): Promise<void> {
  for (const t of targets) {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...t.headers },
      body: t.body,
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${text}`)
    const model = (JSON.parse(text) as { model?: string }).model
    if (model !== MODEL) throw new Error(`${t.name} answered for model ${model}`)
  }
}

function summarise(
  cells: readonly Cell[],
  memory: Record<string, unknown>,
  settings: { duration: number; warmup: number; levels: number[]; runtime: RuntimeMode },
): Record<string, unknown> {
  const at = (target: string, c: number): Cell | undefined =>
    cells.find((x) => x.target === target && x.connections === c)
  const comparisons = settings.levels.map((c) => {
    const direct = at('direct', c)
    const gateway = at('gateway', c)
    const portkey = at('portkey', c)
    const added = (x: Cell | undefined): Record<string, number> | undefined =>
      x && direct
        ? {
            p50_ms: x.latency.p50 - direct.latency.p50,
            p99_ms: x.latency.p99 - direct.latency.p99,
            mean_us: round(x.meanLatencyUs - direct.meanLatencyUs, 1),
          }
        : undefined
    return {
      connections: c,
      gateway_added_latency: added(gateway),
      portkey_added_latency: added(portkey),
      gateway_rps_vs_direct: gateway && direct ? round(gateway.rps / direct.rps) : undefined,
      gateway_rps_vs_portkey: gateway && portkey ? round(gateway.rps / portkey.rps, 2) : undefined,
    }
  })
  const gw = (c: number): Cell | undefined => at('gateway', c)
  const peak = Math.max(...cells.filter((c) => c.target === 'gateway').map((c) => c.rps))
  const gwMem = memory['gateway'] as { peakRssMb: number } | undefined
  return {
    benchmark: 'gateway',
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      ...settings,
      request: 'non-streaming chat completion, 16 output tokens, simulator with ttft 0 / tpot 0',
      gateway_request: 'model MoM: keyword classification → qwen3-8b, enable_thinking field added',
      load_generator: 'autocannon CLI, separate process, latency in whole milliseconds',
    },
    results: cells.map((c) => ({
      target: c.target,
      connections: c.connections,
      rps: Math.round(c.rps),
      latency_ms: c.latency,
      mean_latency_us: c.meanLatencyUs,
      cpu_us_per_request: c.cpuUsPerRequest,
      requests: c.requests,
      errors: c.errors,
      non2xx: c.non2xx,
    })),
    comparisons,
    memory_mb: memory,
    targets: {
      added_p50_at_1_le_1ms: check(
        gw(1) && at('direct', 1)
          ? gw(1)!.latency.p50 - at('direct', 1)!.latency.p50 <= 1
          : undefined,
      ),
      added_p50_at_10_le_3ms: check(
        gw(10) && at('direct', 10)
          ? gw(10)!.latency.p50 - at('direct', 10)!.latency.p50 <= 3
          : undefined,
      ),
      gateway_ge_3000_rps: check(Number.isFinite(peak) ? peak >= 3000 : undefined),
      gateway_peak_rss_le_150mb: check(gwMem ? gwMem.peakRssMb <= 150 : undefined),
    },
  }
}

function check(ok: boolean | undefined): string {
  return ok === undefined ? 'not measured' : ok ? 'met' : 'missed'
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
