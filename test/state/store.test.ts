/**
 * The state store conformance suite on the memory store and on a real Redis (Debian's
 * redis-server on a free loopback port); two store clients on one Redis see one counter, and a
 * Redis that goes away makes commands fail fast instead of queueing.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryStateStore } from '../../src/state/memory.js'
import { RedisStateStore } from '../../src/state/redis.js'
import { createClient, type RedisClientType } from '@redis/client'
import { securitySchema } from '../../src/config/schema/security.js'
import { createLogger } from '../../src/log.js'
import { RateLimiter } from '../../src/pipeline/rate-limits.js'
import type { RequestContext, ResponseRecord } from '../../src/pipeline/types.js'
import { RouterState } from '../../src/runtime/state.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'
import { stateStoreConformance } from './conformance.js'

let redis: TestRedis
before(async () => {
  redis = await startRedis()
})
after(async () => {
  await redis.stop()
})

stateStoreConformance('memory', () => Promise.resolve(new MemoryStateStore()))
stateStoreConformance('redis', () =>
  Promise.resolve(new RedisStateStore({ url: redis.url, prefix: 'conformance:' })),
)

test('two clients of one Redis (two replicas) share a counter', async () => {
  const a = new RedisStateStore({ url: redis.url })
  const b = new RedisStateStore({ url: redis.url })
  try {
    await Promise.all([
      ...Array.from({ length: 20 }, () => a.increment('shared', 1, 60_000)),
      ...Array.from({ length: 20 }, () => b.increment('shared', 1, 60_000)),
    ])
    assert.equal((await a.increment('shared', 0)).value, 40)
    assert.equal((await b.increment('shared', 0)).value, 40)
  } finally {
    await Promise.all([a.close(), b.close()])
  }
})

test('an unreachable Redis fails commands fast (no offline queue) and ping says false', async () => {
  const errors: Error[] = []
  const dead = await startRedis()
  await dead.stop()
  const store = new RedisStateStore({
    url: dead.url,
    connectTimeoutMs: 200,
    onError: (e) => errors.push(e),
  })
  try {
    assert.equal(await store.connected(), false)
    const started = Date.now()
    await assert.rejects(store.increment('x', 1, 1000))
    assert.ok(Date.now() - started < 2_000)
    assert.equal(await store.ping(), false)
    assert.ok(errors.length > 0)
  } finally {
    await store.close()
  }
})

test('RouterState opens one store per setting and keeps it across calls (reloads)', async () => {
  const state = new RouterState()
  const memory = { backend: 'memory' as const, redis: defaults(redis.url) }
  const one = state.stateStore(memory)
  assert.equal(state.stateStore(memory), one)
  await one.increment('kept', 3)
  assert.equal((await state.stateStore(memory).increment('kept', 0)).value, 3)
  const viaRedis = state.stateStore({ backend: 'redis', redis: defaults(redis.url) })
  assert.equal(viaRedis.kind, 'redis')
  assert.equal(await viaRedis.ping(), true)
  await state.close()
})

/** `calls` per command from INFO commandstats (e.g. evalsha, eval). */
async function commandCalls(client: RedisClientType): Promise<Record<string, number>> {
  const info = await client.info('commandstats')
  const calls: Record<string, number> = {}
  for (const m of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2])
  return calls
}

test('Redis: counters go by EVALSHA; a server without the script (flushed) gets it by EVAL once', async () => {
  const admin = createClient({ url: redis.url }) as RedisClientType
  await admin.connect()
  const store = new RedisStateStore({ url: redis.url, prefix: 'sha:' })
  try {
    await store.increment('warm', 1)
    await admin.configResetStat()
    for (let i = 0; i < 5; i++) await store.increment('n', 1, 60_000)
    let calls = await commandCalls(admin)
    assert.equal(calls['evalsha'], 5)
    assert.equal(calls['eval'], undefined)
    await admin.scriptFlush()
    await admin.configResetStat()
    assert.equal((await store.increment('n', 1, 60_000)).value, 6)
    assert.equal((await store.increment('n', 1, 60_000)).value, 7)
    calls = await commandCalls(admin)
    assert.equal(calls['eval'], 1, 'NOSCRIPT answered once, by EVAL')
    assert.equal(calls['evalsha'], 2)
  } finally {
    await store.close()
    await admin.close()
  }
})

test('Redis, sync exact: a request with every limit costs one round trip to admit and one to count', async () => {
  const admin = createClient({ url: redis.url }) as RedisClientType
  await admin.connect()
  const store = new RedisStateStore({ url: redis.url, prefix: 'rl-trip:' })
  const limits = securitySchema.parse({
    rate_limits: {
      enabled: true,
      requests_per_minute: 100,
      tokens_per_minute: 10_000,
      budget: 5,
      sync: { mode: 'exact' },
    },
  }).rate_limits
  const limiter = new RateLimiter(limits, store, createLogger({ level: 'silent' }))
  const caller = { source: 'key', principal: 'key:k', keyId: 'k', admin: false } as const
  const ctx = {
    meta: { caller },
    selectedModel: 'm',
    config: {
      model_config: {
        m: { pricing: { currency: 'USD', prompt_per_1m: 1e5, completion_per_1m: 1e5 } },
      },
    },
  } as unknown as RequestContext
  try {
    await store.increment('warm', 1)
    await admin.configResetStat()
    await limiter.admit(ctx)
    await limiter.onResponse(ctx, {
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    } as unknown as ResponseRecord)
    const calls = await commandCalls(admin)
    assert.equal(calls['evalsha'], 2, JSON.stringify(calls))
    // Everything else ran inside those two scripts (commandstats counts script commands too).
    assert.deepEqual(Object.keys(calls).sort(), ['evalsha', 'incrbyfloat', 'pexpire', 'pttl'])
    assert.equal((await store.increment('rl:tok:key:k', 0)).value, 12)
    assert.equal((await store.increment('rl:req:key:k', 0)).value, 1)
    const [cost] = await admin.keys('rl-trip:rl:cost:key:k:*')
    assert.equal(Number(await admin.get(cost!)), 1.2)
  } finally {
    await store.close()
    await admin.close()
  }
})

function defaults(url: string) {
  return { url, key_prefix: 'state-test:', connect_timeout_ms: 2_000, command_timeout_ms: 1_000 }
}
