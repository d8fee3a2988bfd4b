/**
 * Issue 13 benchmark, the rate limiter alone: CPU time per request of `RateLimiter.admit` +
 * `onResponse` (requests, tokens and a budget per key, none refused) in this process, and of the
 * redis-server behind it, for each way of counting — the memory store, Redis by leases, Redis
 * exact — and, with `--before <checkout>`, the same from another checkout's code (e.g. the commit
 * before leases) side by side. No HTTP, no simulator: what the limiter adds to a request, in
 * microseconds, which the gateway benchmark (rate-limit-overhead.ts) can only see as a few percent
 * of req/s. Requests run 10 at a time, as the gateway benchmark's connections do.
 *
 *   node --import tsx bench/security/limiter-cpu.ts [--requests 100000] [--rounds 3]
 *        [--before /path/to/checkout] [--out f.json]
 */
import { writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startRedis } from '../../test/helpers/redis.js'
import { cpuSecondsOf, machineInfo, round } from '../gateway/processes.js'

interface Limiter {
  admit(ctx: unknown): unknown
  onResponse(ctx: unknown, record: unknown): unknown
  close?(): Promise<void>
}
interface Store {
  close(): Promise<void>
}

const CONCURRENCY = 10
const LIMITS = {
  enabled: true,
  requests_per_minute: 1e9,
  tokens_per_minute: 1e12,
  budget: 1e9,
  budget_period: 'day',
}
const CTX = {
  meta: { caller: { source: 'key', principal: 'key:bench', keyId: 'bench', admin: false } },
  selectedModel: 'm',
  config: {
    model_config: {
      m: { pricing: { currency: 'USD', prompt_per_1m: 1, completion_per_1m: 2 } },
    },
  },
}
const RECORD = { usage: { prompt_tokens: 20, completion_tokens: 16, total_tokens: 36 } }

/** The limiter of one checkout on one store. */
async function build(root: string, store: 'memory' | 'redis', mode: string, redisUrl: string) {
  const src = (file: string): Promise<Record<string, unknown>> => import(join(root, 'src', file))
  const { RateLimiter } = (await src('pipeline/rate-limits.ts')) as {
    RateLimiter: new (c: unknown, s: unknown, l: unknown) => Limiter
  }
  const { securitySchema } = (await src('config/schema/security.ts')) as {
    securitySchema: { parse(x: unknown): { rate_limits: unknown } }
  }
  const { createLogger } = (await src('log.ts')) as { createLogger: (o: unknown) => unknown }
  const limits = { ...LIMITS, ...(mode === 'exact' ? { sync: { mode: 'exact' } } : {}) }
  const config = securitySchema.parse({ rate_limits: limits }).rate_limits
  let opened: Store
  if (store === 'memory') {
    const { MemoryStateStore } = (await src('state/memory.ts')) as {
      MemoryStateStore: new () => Store
    }
    opened = new MemoryStateStore()
  } else {
    const { RedisStateStore } = (await src('state/redis.ts')) as {
      RedisStateStore: new (o: unknown) => Store
    }
    opened = new RedisStateStore({ url: redisUrl, prefix: `${mode}:${root.length}:` })
  }
  const limiter = new RateLimiter(config, opened, createLogger({ level: 'silent' }))
  return { limiter, store: opened }
}

async function drive(limiter: Limiter, requests: number): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < requests) {
        await limiter.admit(CTX)
        await limiter.onResponse(CTX, RECORD)
      }
    }),
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '3' },
      before: { type: 'string' },
      out: { type: 'string' },
    },
  })
  const requests = Number(values.requests)
  const rounds = Number(values.rounds)
  const loadAtStart = loadavg().map((x) => round(x, 2))
  const redis = await startRedis()
  const roots: [string, string][] = [['after', join(import.meta.dirname, '..', '..')]]
  if (values.before) roots.unshift(['before', values.before])
  const variants: { name: string; root: string; store: 'memory' | 'redis'; mode: string }[] = []
  for (const [side, root] of roots) {
    variants.push({ name: `${side} memory`, root, store: 'memory', mode: '' })
    // Before leases a Redis store had one way of counting (a round trip before and one after).
    if (side === 'before') variants.push({ name: 'before redis', root, store: 'redis', mode: '' })
    else
      variants.push(
        { name: 'after redis lease', root, store: 'redis', mode: 'lease' },
        { name: 'after redis exact', root, store: 'redis', mode: 'exact' },
      )
  }
  const results: Record<string, unknown>[] = []
  try {
    for (const v of variants) {
      const { limiter, store } = await build(v.root, v.store, v.mode, redis.url)
      await drive(limiter, Math.min(requests, 20_000))
      for (let r = 0; r < rounds; r++) {
        const cpu = process.cpuUsage()
        const redisCpu = cpuSecondsOf(redis.pid)
        const started = performance.now()
        await drive(limiter, requests)
        const used = process.cpuUsage(cpu)
        const result = {
          variant: v.name,
          round: r,
          limiter_cpu_us_per_request: round((used.user + used.system) / requests, 2),
          redis_server_cpu_us_per_request: round(
            ((cpuSecondsOf(redis.pid) - redisCpu) * 1e6) / requests,
            2,
          ),
          requests_per_second: Math.round(requests / ((performance.now() - started) / 1000)),
        }
        results.push(result)
        process.stderr.write(`${JSON.stringify(result)}\n`)
      }
      await limiter.close?.()
      await store.close()
    }
  } finally {
    await redis.stop()
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  const summary = Object.fromEntries(
    variants.map((v) => {
      const mine = results.filter((r) => r['variant'] === v.name)
      const of = (k: string) => median(mine.map((r) => r[k] as number))
      return [
        v.name,
        {
          limiter_cpu_us_per_request: of('limiter_cpu_us_per_request'),
          redis_server_cpu_us_per_request: of('redis_server_cpu_us_per_request'),
        },
      ]
    }),
  )
  const report = {
    benchmark: 'security-limiter-cpu',
    date: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      requests,
      rounds,
      concurrency: CONCURRENCY,
      before: values.before ?? null,
      load_average_at_start: loadAtStart,
      limits: LIMITS,
    },
    results,
    summary,
  }
  const text = `${JSON.stringify(report, null, 2)}\n`
  process.stdout.write(text)
  if (values.out) await writeFile(values.out, text)
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exitCode = 1
})
