/**
 * Issue 13 benchmark: what rate limits cost the gateway's throughput, side by side in one run:
 *
 *   - `off`: API keys on (a keys file, docs/security.md), no rate limits;
 *   - `memory`: the same plus `security.rate_limits` (requests, tokens and a budget per key) on
 *     the in-memory state store;
 *   - `redis`: the same limits on a Redis state store (Debian's redis-server on a free loopback
 *     port, as test/helpers/redis.ts starts it), counted by leases (`sync.mode: lease`, default);
 *   - `redis-exact`: the same with `sync.mode: exact` (a round trip before each request and one
 *     after its answer: the behaviour before leases), for the side-by-side.
 *
 * Limits are set far above what the run can reach, so every request is counted and none refused.
 * One simulator serves all the routers; autocannon (its own process) drives one router at a time,
 * each variant once per round, the order rotated by one each round, for `--rounds` rounds;
 * throughput is the median per configuration, and the overhead is 1 − limited / off. Each cell also records the router's CPU
 * time per request (user + system, /proc, over the measured run only) and, for `redis`, the
 * redis-server's: CPU per request resolves differences of a few percent that req/s on a loaded
 * machine cannot.
 *
 *   node --import tsx bench/security/rate-limit-overhead.ts [--duration 5] [--rounds 3]
 *        [--connections 10] [--out f.json]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { keyDigest } from '../../src/config/api-keys.js'
import { startRedis } from '../../test/helpers/redis.js'
import {
  cpuSecondsOf,
  freePort,
  machineInfo,
  memoryOf,
  round,
  runAutocannon,
  startRouterProcess,
  startSimulatorProcess,
  waitUntilUp,
  type LoadResult,
  type Server,
} from '../gateway/processes.js'
import { body, MODEL, routerConfig } from '../gateway/setup.js'

const KEY = 'sk-bench-rate-limits-0123456789'
const LIMITS =
  '{ enabled: true, requests_per_minute: 100000000, tokens_per_minute: 1000000000, budget: 1000000, budget_period: day }'
const EXACT_LIMITS = LIMITS.replace(/ }$/, ', sync: { mode: exact } }')

type Variant = 'off' | 'memory' | 'redis' | 'redis-exact'
const VARIANTS = ['off', 'memory', 'redis', 'redis-exact'] as const

type Cell = LoadResult & {
  variant: Variant
  round: number
  routerCpuUs: number
  redisCpuUs: number | undefined
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      /** Comma-separated subset of the variants (`off` always runs: it is the baseline). */
      variants: { type: 'string', default: VARIANTS.join(',') },
      connections: { type: 'string', default: '10' },
      out: { type: 'string' },
    },
  })
  const duration = Number(values.duration)
  const warmup = Number(values.warmup)
  const rounds = Number(values.rounds)
  const connections = Number(values.connections)
  const loadAtStart = loadavg().map((x) => round(x, 2))
  const dir = await mkdtemp(join(tmpdir(), 'bench-rate-limits-'))
  const keysFile = join(dir, 'keys.yaml')
  await writeFile(keysFile, `keys:\n  - { id: bench, sha256: ${keyDigest(KEY)}, tenant: bench }\n`)
  const redis = await startRedis()
  const servers: Server[] = []
  const cells: Cell[] = []
  try {
    const simPort = await freePort()
    servers.push(startSimulatorProcess('tsx', simPort, MODEL, 16))
    const auth = `  auth: { enabled: true, keys_file: ${JSON.stringify(keysFile)} }\n`
    const stores: Record<Variant, string> = {
      off: `security:\n${auth}`,
      memory: `state_store: { backend: memory }\nsecurity:\n${auth}  rate_limits: ${LIMITS}\n`,
      redis: `state_store: { backend: redis, redis: { url: "${redis.url}" } }\nsecurity:\n${auth}  rate_limits: ${LIMITS}\n`,
      'redis-exact': `state_store: { backend: redis, redis: { url: "${redis.url}", key_prefix: "exact:" } }\nsecurity:\n${auth}  rate_limits: ${EXACT_LIMITS}\n`,
    }
    const routers = new Map<Variant, Server>()
    const chosen = VARIANTS.filter((v) => v === 'off' || values.variants.split(',').includes(v))
    for (const variant of chosen) {
      const path = join(dir, `${variant}.yaml`)
      await writeFile(path, routerConfig(simPort, stores[variant]))
      const router = startRouterProcess('tsx', path, await freePort(), { name: variant })
      servers.push(router)
      routers.set(variant, router)
    }
    await waitUntilUp(`http://127.0.0.1:${simPort}/`)
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }
    for (const [variant, router] of routers) {
      const url = `http://127.0.0.1:${router.port}/v1/chat/completions`
      await waitUntilUp(url.replace('/v1/chat/completions', '/health'))
      const res = await fetch(url, { method: 'POST', headers, body: body('MoM') })
      const text = await res.text()
      if (res.status !== 200) throw new Error(`${variant} answered ${res.status}: ${text}`)
      const anonymous = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body('MoM'),
      })
      await anonymous.text()
      if (anonymous.status !== 401) throw new Error(`${variant}: no key gave ${anonymous.status}`)
    }
    for (let r = 0; r < rounds; r++) {
      // Each round starts one variant later, so no variant always follows the same one (a cell
      // can inherit the previous one's GC debt, sockets in TIME_WAIT, the simulator's state).
      const order = chosen.map((_, i) => chosen[(i + r) % chosen.length]!)
      for (const variant of order) {
        const router = routers.get(variant)!
        const spec = {
          url: `http://127.0.0.1:${router.port}/v1/chat/completions`,
          body: body('MoM'),
          headers,
          connections,
        }
        if (warmup > 0) await runAutocannon({ ...spec, durationSeconds: warmup })
        const cpuBefore = [cpuSecondsOf(router.child.pid!), cpuSecondsOf(redis.pid)]
        const result = await runAutocannon({ ...spec, durationSeconds: duration })
        const perRequest = (seconds: number): number =>
          round((seconds / Math.max(1, result.requests)) * 1e6, 1)
        const routerCpuUs = perRequest(cpuSecondsOf(router.child.pid!) - cpuBefore[0]!)
        const redisCpuUs = variant.startsWith('redis')
          ? perRequest(cpuSecondsOf(redis.pid) - cpuBefore[1]!)
          : undefined
        cells.push({ ...result, variant, round: r, routerCpuUs, redisCpuUs })
        process.stderr.write(
          `r${r} ${variant}: ${Math.round(result.rps)} req/s router CPU ${routerCpuUs} us/req${redisCpuUs === undefined ? '' : ` redis ${redisCpuUs} us/req`} p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms non2xx ${result.non2xx}\n`,
        )
      }
    }
    const memory = Object.fromEntries([...routers].map(([v, s]) => [v, memoryOf(s.child.pid!)]))
    const report = summarise(cells, memory, {
      duration,
      warmup,
      rounds,
      connections,
      load_average_at_start: loadAtStart,
      runtime: 'tsx (npm start)',
      request: 'non-streaming chat completion (model MoM, 16 output tokens), Bearer key',
      limits: LIMITS,
    })
    const text = `${JSON.stringify(report, null, 2)}\n`
    process.stdout.write(text)
    if (values.out) await writeFile(values.out, text)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
    await redis.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function summarise(
  cells: readonly Cell[],
  memory: Record<string, unknown>,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const rps = (v: Variant) => median(cells.filter((c) => c.variant === v).map((c) => c.rps))
  const off = rps('off')
  const overhead = (v: Variant) => round(1 - rps(v) / off, 3)
  // Each round's limited cell against the same round's `off` cell, then the median over rounds:
  // neighbours in time share the machine's load, so this resists drifting load better.
  const paired = (v: Variant, of: (c: Cell) => number, sign: 1 | -1) => {
    const ratios = cells
      .filter((c) => c.variant === v)
      .flatMap((c) => {
        const base = cells.find((o) => o.variant === 'off' && o.round === c.round)
        return base ? [sign * (1 - of(c) / of(base))] : []
      })
    return round(median(ratios), 3)
  }
  const cpu = (v: Variant) => median(cells.filter((c) => c.variant === v).map((c) => c.routerCpuUs))
  const redisCpu = (v: Variant) =>
    median(
      cells.flatMap((c) => (c.variant === v && c.redisCpuUs !== undefined ? [c.redisCpuUs] : [])),
    )
  return {
    benchmark: 'security-rate-limit-overhead',
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings,
    results: cells.map((c) => ({
      variant: c.variant,
      round: c.round,
      rps: Math.round(c.rps),
      router_cpu_us_per_request: c.routerCpuUs,
      ...(c.redisCpuUs === undefined ? {} : { redis_cpu_us_per_request: c.redisCpuUs }),
      latency_ms: c.latency,
      requests: c.requests,
      errors: c.errors,
      non2xx: c.non2xx,
    })),
    memory_mb: memory,
    summary: {
      median_rps: {
        off: Math.round(off),
        memory: Math.round(rps('memory')),
        redis: Math.round(rps('redis')),
        'redis-exact': Math.round(rps('redis-exact')),
      },
      overhead: {
        memory: overhead('memory'),
        redis: overhead('redis'),
        'redis-exact': overhead('redis-exact'),
      },
      paired_overhead_median: {
        rps: Object.fromEntries(VARIANTS.slice(1).map((v) => [v, paired(v, (c) => c.rps, 1)])),
        router_cpu_per_request: Object.fromEntries(
          VARIANTS.slice(1).map((v) => [v, paired(v, (c) => c.routerCpuUs, -1)]),
        ),
      },
      median_router_cpu_us_per_request: {
        off: cpu('off'),
        memory: cpu('memory'),
        redis: cpu('redis'),
        'redis-exact': cpu('redis-exact'),
      },
      median_redis_server_cpu_us_per_request: {
        redis: redisCpu('redis'),
        'redis-exact': redisCpu('redis-exact'),
      },
      router_cpu_added_us_per_request: {
        memory: round(cpu('memory') - cpu('off'), 1),
        redis: round(cpu('redis') - cpu('off'), 1),
        'redis-exact': round(cpu('redis-exact') - cpu('off'), 1),
      },
      target_overhead_le_5pct: {
        memory: overhead('memory') <= 0.05 ? 'met' : 'missed',
        redis: overhead('redis') <= 0.05 ? 'met' : 'missed',
      },
    },
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
