/**
 * Learned scores shared by replicas through one real Redis (Debian's redis-server): feedback sent
 * to two router replicas (two Learning objects, two store clients) lands in one book — every
 * update is an atomic increment, so none is lost — and a request remembered by one replica can
 * be rated through the other.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { silentLogger } from '../../src/log.js'
import { Learning } from '../../src/routing/selection/learning.js'
import { RedisStateStore } from '../../src/state/redis.js'
import { startRedis, type TestRedis } from '../helpers/redis.js'

let redis: TestRedis
before(async () => {
  redis = await startRedis()
})
after(async () => {
  await redis.stop()
})

test('two replicas on one Redis learn into one book', async () => {
  const stores = [0, 1].map(() => new RedisStateStore({ url: redis.url, prefix: 'sr:' }))
  const [a, b] = stores.map((s) => new Learning(s, silentLogger(), { refreshMs: 0 })) as [
    Learning,
    Learning,
  ]
  try {
    const scope = { recipe: 'default', decision: 'd', candidates: ['x', 'y'] }
    const served = (model: string) => ({ ...scope, model })
    // 30 ratings through each replica, interleaved, for requests the *other* replica routed.
    for (let i = 0; i < 30; i++) {
      a.remember(`a${i}`, served('x'))
      b.remember(`b${i}`, served('y'))
    }
    // remember() is fire and forget: rate only once every request is on record in Redis.
    const remembered = async () =>
      (
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => [b.recall(`a${i}`), a.recall(`b${i}`)]).flat(),
        )
      ).every((s) => s !== undefined)
    for (const until = Date.now() + 15_000; !(await remembered());) {
      assert.ok(Date.now() < until, 'the remembered requests never reached Redis')
      await new Promise((r) => setTimeout(r, 20))
    }
    await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => b.feedback({ requestId: `a${i}`, rating: 1 })),
      ...Array.from({ length: 30 }, (_, i) => a.feedback({ requestId: `b${i}`, rating: 0 })),
    ])
    for (const replica of [a, b]) {
      const book = replica.book({ recipe: 'default', name: 'd' })
      await book.refresh()
      assert.equal(book.scores('x').feedback, 30)
      assert.equal(book.scores('y').feedback, 30)
      assert.ok(book.scores('x').mean > 0.9, `x mean ${book.scores('x').mean}`)
      assert.ok(book.scores('y').mean < 0.1, `y mean ${book.scores('y').mean}`)
      assert.ok(book.scores('x').rating > book.scores('y').rating)
    }
    const exported = await a.exportScores()
    assert.deepEqual(exported.decisions, (await b.exportScores()).decisions)
  } finally {
    await Promise.all(stores.map((s) => s.close()))
  }
})
