/**
 * The state store conformance suite on the memory store and on a real Redis (Debian's
 * redis-server on a free loopback port); two store clients on one Redis see one counter, and a
 * Redis that goes away makes commands fail fast instead of queueing.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryStateStore } from '../../src/state/memory.js'
import { RedisStateStore } from '../../src/state/redis.js'
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

function defaults(url: string) {
  return { url, key_prefix: 'state-test:', connect_timeout_ms: 2_000, command_timeout_ms: 1_000 }
}
