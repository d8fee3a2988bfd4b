/**
 * Rate limits shared through a real Redis by leases (src/pipeline/rate-limit-leases.ts, the default
 * `security.rate_limits.sync.mode`): replicas never admit more than the limit together, a busy
 * caller costs a few round trips a second instead of one per request, tokens reach the other
 * replicas within a flush, a window rolls over, unused leases go back (quiet or closing replica;
 * never into a later window), and a failing Redis follows `on_store_error`.
 */
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, it } from 'node:test'
import { createClient, type RedisClientType } from '@redis/client'
import { securitySchema } from '../../src/config/schema/security.js'
import { RouterError } from '../../src/errors.js'
import { createLogger } from '../../src/log.js'
import type { CallerIdentity } from '../../src/pipeline/caller.js'
import { LeasedCounts } from '../../src/pipeline/rate-limit-leases.js'
import type { Subject } from '../../src/pipeline/rate-limit-counts.js'
import { RateLimiter } from '../../src/pipeline/rate-limits.js'
import type { RequestContext, ResponseRecord } from '../../src/pipeline/types.js'
import { RedisStateStore } from '../../src/state/redis.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { logCapture } from '../helpers/runtime.js'

let redis: TestRedis
let admin: RedisClientType
const stores: RedisStateStore[] = []
const limiters: RateLimiter[] = []
before(async () => {
  redis = await startRedis()
  admin = createClient({ url: redis.url })
  await admin.connect()
})
// Each test closes its replicas: a lease one of them still holds would otherwise go back (a write)
// in a later test, at a moment that depends on the machine's speed — under CLIENT PAUSE WRITE that
// give-back is a second blocked client the "reservation waits in Redis" check would count.
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((l) => l.close()))
})
after(async () => {
  await Promise.all(stores.map((s) => s.close()))
  await admin?.close()
  await redis?.stop()
})

let prefixes = 0
function store(prefix: string): RedisStateStore {
  const s = new RedisStateStore({ url: redis.url, prefix })
  stores.push(s)
  return s
}
/** A store whose calls may wait for a paused Redis (CLIENT PAUSE) without timing out. */
function slowStore(prefix: string): RedisStateStore {
  const s = new RedisStateStore({ url: redis.url, prefix, commandTimeoutMs: 30_000 })
  stores.push(s)
  return s
}

function replica(
  prefix: string,
  limits: Record<string, unknown>,
  log = createLogger({ level: 'silent' }),
) {
  const config = securitySchema.parse({ rate_limits: { enabled: true, ...limits } }).rate_limits
  const limiter = new RateLimiter(config, store(prefix), log)
  limiters.push(limiter)
  return limiter
}

const caller = (id: string): CallerIdentity => ({
  source: 'key',
  principal: `key:${id}`,
  keyId: id,
  admin: false,
})
const request = (id: string) =>
  ({
    meta: { caller: caller(id) },
    selectedModel: 'm',
    config: { model_config: {} },
  }) as unknown as RequestContext
const usage = (tokens: number) =>
  ({
    usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens },
  }) as unknown as ResponseRecord

async function outcome(limiter: RateLimiter, ctx: RequestContext): Promise<true | string> {
  try {
    await limiter.admit(ctx)
    return true
  } catch (err) {
    assert.ok(err instanceof RouterError, String(err))
    return err.code
  }
}

/** `count` requests, `concurrency` at a time, spread over the replicas in turn. */
async function burst(replicas: RateLimiter[], id: string, count: number, concurrency = 20) {
  const results: (true | string)[] = []
  for (let done = 0; done < count; done += concurrency) {
    const n = Math.min(concurrency, count - done)
    const batch = Array.from({ length: n }, (_, i) =>
      outcome(replicas[(done + i) % replicas.length]!, request(id)),
    )
    results.push(...(await Promise.all(batch)))
  }
  return { admitted: results.filter((r) => r === true).length, results }
}

async function evalCalls(): Promise<number> {
  const info = await admin.info('commandstats')
  const calls = (name: string) =>
    Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0)
  return calls('evalsha') + calls('eval')
}

/** Poll (bounded) until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('leases over one Redis', () => {
  it('a busy caller is counted with far fewer round trips than requests', async () => {
    const prefix = `busy${prefixes++}:`
    const a = replica(prefix, { requests_per_minute: 1_000_000, sync: { max_lease: 100 } })
    await outcome(a, request('warm'))
    await admin.configResetStat()
    const { admitted } = await burst([a], 'busy', 2_000)
    assert.equal(admitted, 2_000)
    const calls = await evalCalls()
    process.stderr.write(`leases: ${calls} store calls for 2,000 requests\n`)
    assert.ok(calls <= 200, `${calls} store calls for 2,000 requests (exact: 2,000)`)
    const reserved = Number(await admin.get(`${prefix}rl:req:key:busy`))
    // What is reserved and not yet used: at most the lease in hand and the next one.
    assert.ok(reserved >= 2_000 && reserved <= 2_000 + 2 * 100, `reserved ${reserved}`)
  })

  it('two replicas never admit more than the limit together, and at most 2 × max_lease fewer', async () => {
    const prefix = `two${prefixes++}:`
    const limits = { requests_per_minute: 300, sync: { max_lease: 20 } }
    const [a, b] = [replica(prefix, limits), replica(prefix, limits)]
    const { admitted, results } = await burst([a, b], 'shared', 800)
    assert.ok(admitted <= 300, `admitted ${admitted}`)
    assert.ok(admitted >= 300 - 2 * 20, `admitted ${admitted}: refused too early`)
    assert.ok(results.every((r) => r === true || r === 'rate_limit_exceeded'))
    assert.ok(Number(await admin.get(`${prefix}rl:req:key:shared`)) <= 300)
    // Once the window is full, a refused request costs no round trip until it ends.
    await admin.configResetStat()
    const more = await burst([a, b], 'shared', 200)
    assert.equal(more.admitted, 0)
    assert.equal(await evalCalls(), 0)
  })

  /** Replica a draws a lease and stops; what it holds unused is more than it admitted. */
  async function holdUnused(a: RateLimiter, prefix: string, id: string): Promise<number> {
    let used = 0
    for (let i = 0; i < 20; i++) {
      used += (await burst([a], id, 20)).admitted
      if (Number(await admin.get(`${prefix}rl:req:key:${id}`)) > used) return used
    }
    return assert.fail('replica a never held an unused lease')
  }

  it('a replica that goes quiet gives its unused lease back: the other admits up to the limit', async () => {
    const prefix = `quiet${prefixes++}:`
    const limits = { requests_per_minute: 200, sync: { max_lease: 50 } }
    const [a, b] = [replica(prefix, limits), replica(prefix, limits)]
    const used = await holdUnused(a, prefix, 'q')
    await until(
      'the quiet lease is given back',
      async () => Number(await admin.get(`${prefix}rl:req:key:q`)) === used,
      15_000,
    )
    const ttl = await admin.pTTL(`${prefix}rl:req:key:q`)
    assert.ok(ttl > 50_000, 'still the same window')
    const { admitted } = await burst([b], 'q', 300)
    assert.equal(admitted, 200 - used, `a admitted ${used}; b ${admitted} of the rest`)
  })

  it('a replica that closes (reload, shutdown) gives its unused lease back at once', async () => {
    const prefix = `closing${prefixes++}:`
    const limits = { requests_per_minute: 200, sync: { max_lease: 50, lease_ms: 60_000 } }
    const [a, b] = [replica(prefix, limits), replica(prefix, limits)]
    const used = await holdUnused(a, prefix, 'c')
    await a.close()
    assert.equal(Number(await admin.get(`${prefix}rl:req:key:c`)), used)
    const { admitted } = await burst([b], 'c', 300)
    assert.equal(admitted, 200 - used)
  })

  // lease_ms keeps the idle return out of these; the request after a first one of 1 asks for 20.
  const LATE = { requests_per_minute: 200, sync: { max_lease: 20, lease_ms: 60_000 } }
  /** A replica whose store calls may wait for a paused Redis without timing out. */
  const patientReplica = (prefix: string) => {
    const limiter = new RateLimiter(
      securitySchema.parse({ rate_limits: { enabled: true, ...LATE } }).rate_limits,
      slowStore(prefix),
      createLogger({ level: 'silent' }),
    )
    limiters.push(limiter)
    return limiter
  }
  const blocked = async () => /^blocked_clients:1\r?$/m.test(await admin.info('clients'))
  /** Redis holds every write (reservation and give-back scripts included) while `during` runs. */
  async function withWritesPaused<T>(during: () => Promise<T>): Promise<T> {
    await admin.sendCommand(['CLIENT', 'PAUSE', '30000', 'WRITE'])
    try {
      return await during()
    } finally {
      await admin.sendCommand(['CLIENT', 'UNPAUSE'])
    }
  }

  it('a lease still on its way when the replica closes goes back as it arrives (less what waits for it)', async () => {
    const prefix = `arriving${prefixes++}:`
    const a = patientReplica(prefix)
    assert.equal(await outcome(a, request('late')), true)
    const { waiting, closing } = await withWritesPaused(async () => {
      const waiting = outcome(a, request('late'))
      await until('the reservation waits in Redis', blocked)
      return { waiting, closing: a.close() }
    })
    assert.equal(await waiting, true, 'the request waiting for the lease is admitted')
    await closing
    // 1 + the lease of 20, less the 19 nobody here will use.
    assert.equal(Number(await admin.get(`${prefix}rl:req:key:late`)), 2)
    const b = replica(prefix, LATE)
    assert.equal((await burst([b], 'late', 300)).admitted, 198)
  })

  it('a refill still on its way when the replica closes goes back as it arrives', async () => {
    const prefix = `refill${prefixes++}:`
    const a = patientReplica(prefix)
    assert.equal(await outcome(a, request('r')), true)
    assert.equal(await outcome(a, request('r')), true)
    let admitted = 2
    const { closing } = await withWritesPaused(async () => {
      // Drawing on the lease of 20 asks for the next in the background once half of it is used.
      while (!(await blocked())) {
        assert.ok(admitted < 20, 'no refill was asked for')
        assert.equal(await outcome(a, request('r')), true)
        admitted++
      }
      return { closing: a.close() }
    })
    await closing
    assert.equal(Number(await admin.get(`${prefix}rl:req:key:r`)), admitted)
  })

  it('a closed limiter still counts in the store (reload); once the store is closed (shutdown) it refuses 503, even under allow', async () => {
    const prefix = `after${prefixes++}:`
    const s = store(prefix)
    const config = securitySchema.parse({
      rate_limits: { enabled: true, requests_per_minute: 3, sync: { max_lease: 20 } },
    }).rate_limits
    assert.equal(config.on_store_error, 'allow')
    const a = new RateLimiter(config, s, createLogger({ level: 'silent' }))
    assert.equal(await outcome(a, request('s')), true)
    await a.close()
    // A straggler on the replaced runtime: counted exactly (the next runtime reads this counter).
    assert.equal(await outcome(a, request('s')), true)
    assert.equal(Number(await admin.get(`${prefix}rl:req:key:s`)), 2)
    assert.equal(await outcome(a, request('s')), true)
    assert.equal(await outcome(a, request('s')), 'rate_limit_exceeded')
    await s.close()
    // Shutdown closed the store: nothing would ever count this request (allow is for outages that
    // end), so it is refused, not let through uncounted.
    assert.equal(await outcome(a, request('s2')), 'limits_unavailable')
    assert.equal(await admin.get(`${prefix}rl:req:key:s2`), null)
  })

  it('a give-back that arrives after the window rolled over changes nothing', async () => {
    const s = store(`late${prefixes++}:`)
    const [reserved] = await s.incrementMany([{ key: 'w', by: 5, ttlMs: 300, max: 10 }])
    assert.ok(reserved!.windowEnd !== undefined)
    await until('the window ends', async () => (await s.get('w')) === undefined)
    await s.incrementMany([{ key: 'w', by: 3, ttlMs: 60_000, max: 10 }])
    assert.deepEqual(await s.giveBack([{ key: 'w', by: 5, windowEnd: reserved!.windowEnd }]), [0])
    assert.equal(await s.get('w'), '3')
  })

  it('tokens counted on one replica refuse the caller on the other within a flush', async () => {
    const prefix = `tok${prefixes++}:`
    const limits = { tokens_per_minute: 1_000, sync: { flush_interval_ms: 20 } }
    const [a, b] = [replica(prefix, limits), replica(prefix, limits)]
    assert.equal(await outcome(a, request('t')), true)
    assert.equal(await outcome(b, request('t')), true)
    await a.onResponse(request('t'), usage(1_200))
    await until('replica b sees the tokens', async () => {
      await new Promise((r) => setTimeout(r, 30))
      return (await outcome(b, request('t'))) === 'rate_limit_exceeded'
    })
    assert.equal(Number(await admin.get(`${prefix}rl:tok:key:t`)), 1_200)
  })

  it('a window rolls over: refused until it ends, then the limit again, counted anew', async () => {
    const prefix = `roll${prefixes++}:`
    const s = store(prefix)
    const sync = securitySchema.parse({}).rate_limits.sync
    const counts = new LeasedCounts(s, sync, 'allow', () => undefined, 400)
    const subject: Subject = {
      id: 'r',
      keyId: 'r',
      requestsPerMinute: 3,
      tokensPerMinute: 0,
      budget: 0,
      requestKey: 'rl:req:r',
      tokenKey: 'rl:tok:r',
      costKey: '',
      costPeriodId: '',
    }
    const period = { id: 'p', end: Date.now() + 3_600_000 }
    const admit = async (): Promise<true | string> => {
      try {
        await counts.admit(subject, period, Date.now())
        return true
      } catch (err) {
        return (err as RouterError).code
      }
    }
    for (let i = 0; i < 3; i++) assert.equal(await admit(), true)
    assert.equal(await admit(), 'rate_limit_exceeded')
    const refusedAt = Date.now()
    await until('the next window', async () => (await admit()) === true, 15_000)
    // Refused until the 400 ms window ends, not for a minute (bound wide for a loaded machine).
    assert.ok(Date.now() - refusedAt < 10_000)
    assert.equal(Number(await admin.get(`${prefix}rl:req:r`)), 1, 'a new window counts from 1')
    assert.equal(await admit(), true)
    assert.equal(await admit(), true)
    assert.equal(await admit(), 'rate_limit_exceeded')
    await counts.close()
  })

  it('Redis failing (out of memory): allow keeps admitting and sends the usage once it is back; deny answers 503', async () => {
    const prefix = `fail${prefixes++}:`
    const capture = logCapture()
    const log = createLogger({ level: 'info', destination: capture.stream })
    const limits = { requests_per_minute: 100_000, tokens_per_minute: 1_000_000 }
    const open = replica(prefix, { ...limits, sync: { flush_interval_ms: 20 } }, log)
    const closed = replica(prefix, {
      ...limits,
      on_store_error: 'deny',
      sync: { flush_interval_ms: 20 },
    })
    assert.equal(await outcome(open, request('f')), true)
    assert.equal(await outcome(closed, request('f')), true)
    await admin.configSet('maxmemory', '1')
    try {
      await open.onResponse(request('f'), usage(10))
      await closed.onResponse(request('f'), usage(5))
      await until('a failed flush', () =>
        Promise.resolve(
          capture.lines.some((l) => l.event === 'rate_limit_store_error' && l.during === 'flush'),
        ),
      )
      for (let i = 0; i < 5; i++) assert.equal(await outcome(open, request('f')), true)
      await until('deny refuses while Redis fails', async () => {
        await new Promise((r) => setTimeout(r, 30))
        return (await outcome(closed, request('f'))) === 'limits_unavailable'
      })
    } finally {
      await admin.configSet('maxmemory', '0')
    }
    assert.equal(await outcome(closed, request('f')), true, 'deny admits again once Redis answers')
    await until('the unsent tokens reach Redis', async () => {
      return Number(await admin.get(`${prefix}rl:tok:key:f`)) === 15
    })
  })
})
