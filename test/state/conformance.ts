/**
 * What every StateStore implementation does (src/state/types.ts): run by store.test.ts against the
 * memory store and a real Redis. A new backend passes this suite before it is registered.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { StateStore } from '../../src/state/types.js'

export function stateStoreConformance(name: string, open: () => Promise<StateStore>): void {
  let n = 0
  const key = (base: string) => `${base}:${process.pid}:${Date.now()}:${n++}`
  const withStore = async (fn: (s: StateStore) => Promise<void>) => {
    const store = await open()
    try {
      await fn(store)
    } finally {
      await store.close()
    }
  }

  test(`${name}: get / set / delete, with expiry`, () =>
    withStore(async (s) => {
      const k = key('kv')
      assert.equal(await s.get(k), undefined)
      await s.set(k, 'v1')
      assert.equal(await s.get(k), 'v1')
      await s.delete(k)
      assert.equal(await s.get(k), undefined)
      const t = key('ttl')
      // Long enough to be read back on a loaded machine (40 ms was not: two round trips to Redis
      // can take that); then it must go by itself within a guard of 10 s.
      await s.set(t, 'short', 1_000)
      assert.equal(await s.get(t), 'short')
      for (const until = Date.now() + 10_000; (await s.get(t)) !== undefined;) {
        assert.ok(Date.now() < until, 'the value never expired')
        await new Promise((r) => setTimeout(r, 50))
      }
    }))

  test(`${name}: increment is atomic, fractional, and keeps the expiry set at creation`, () =>
    withStore(async (s) => {
      const k = key('ctr')
      const first = await s.increment(k, 1, 60_000)
      assert.equal(first.value, 1)
      assert.ok(first.ttlMs !== undefined && first.ttlMs > 59_000 && first.ttlMs <= 60_000)
      await Promise.all(Array.from({ length: 50 }, () => s.increment(k, 1, 1)))
      const after = await s.increment(k, 0.25, 1)
      assert.equal(after.value, 51.25)
      assert.ok(after.ttlMs !== undefined && after.ttlMs > 50_000, 'later ttl ignored')
      const forever = await s.increment(key('noexp'), -2)
      assert.deepEqual(forever, { value: -2, ttlMs: undefined })
      const w = key('window')
      await s.increment(w, 5, 40)
      await new Promise((r) => setTimeout(r, 120))
      assert.equal((await s.increment(w, 1, 40)).value, 1, 'a new window starts at 0')
    }))

  test(`${name}: incrementMany updates several counters at once, each with its own expiry`, () =>
    withStore(async (s) => {
      const [a, b, c] = [key('many-a'), key('many-b'), key('many-c')]
      await s.increment(b, 10, 30_000)
      const values = await s.incrementMany([
        { key: a, by: 1, ttlMs: 60_000 },
        { key: b, by: 0.5, ttlMs: 1 },
        { key: c, by: -3 },
      ])
      assert.deepEqual(
        values.map((v) => v.value),
        [1, 10.5, -3],
      )
      assert.ok(values[0]!.ttlMs! > 59_000 && values[0]!.ttlMs! <= 60_000)
      assert.ok(values[1]!.ttlMs! > 20_000, 'the expiry set at creation is kept')
      assert.equal(values[2]!.ttlMs, undefined)
      assert.deepEqual(await s.incrementMany([]), [])
      // Concurrent batches on the same keys lose nothing.
      await Promise.all(
        Array.from({ length: 30 }, () =>
          s.incrementMany([
            { key: a, by: 1 },
            { key: c, by: 1 },
          ]),
        ),
      )
      assert.equal((await s.increment(a, 0)).value, 31)
      assert.equal((await s.increment(c, 0)).value, 27)
    }))

  test(`${name}: an increment with max never takes the value past it, and says what it added`, () =>
    withStore(async (s) => {
      const k = key('reserve')
      const first = await s.incrementMany([{ key: k, by: 4, ttlMs: 60_000, max: 10 }])
      assert.equal(first[0]!.added, 4)
      assert.equal(first[0]!.value, 4)
      assert.ok(first[0]!.ttlMs! > 59_000)
      // Concurrent reservations of 3 share what is left (6): never more in total.
      const many = await Promise.all(
        Array.from({ length: 6 }, () => s.incrementMany([{ key: k, by: 3, max: 10 }])),
      )
      const added = many.map((v) => v[0]!.added!)
      assert.equal(
        added.reduce((a, b) => a + b, 0),
        6,
        `added ${added.join(',')}`,
      )
      const full = await s.incrementMany([
        { key: k, by: 1, max: 10 },
        { key: key('other'), by: 2 },
      ])
      assert.deepEqual(
        full.map((v) => [v.value, v.added]),
        [
          [10, 0],
          [2, undefined],
        ],
      )
      assert.equal((await s.incrementMany([{ key: k, by: -1, max: 10 }]))[0]!.value, 9)
    }))

  test(`${name}: giveBack returns to the same window only, never below 0`, () =>
    withStore(async (s) => {
      const k = key('giveback')
      const [first] = await s.incrementMany([{ key: k, by: 6, ttlMs: 60_000, max: 10 }])
      const end = first!.windowEnd!
      assert.ok(Math.abs(end - (Date.now() + 60_000)) < 5_000, `window end ${end}`)
      const [again] = await s.incrementMany([{ key: k, by: 1, ttlMs: 60_000, max: 10 }])
      assert.ok(Math.abs(again!.windowEnd! - end) <= 5, 'one window, one end')
      assert.deepEqual(await s.giveBack([{ key: k, by: 4, windowEnd: end }]), [4])
      assert.equal((await s.increment(k, 0)).value, 3)
      assert.deepEqual(await s.giveBack([{ key: k, by: 9, windowEnd: end }]), [3])
      assert.equal((await s.increment(k, 0)).value, 0)
      await s.increment(k, 2)
      assert.deepEqual(await s.giveBack([{ key: k, by: 2, windowEnd: end + 60_000 }]), [0])
      assert.deepEqual(await s.giveBack([{ key: key('gone'), by: 2, windowEnd: end }]), [0])
      assert.equal((await s.increment(k, 0)).value, 2)
      assert.deepEqual(await s.giveBack([]), [])
    }))

  test(`${name}: hashes`, () =>
    withStore(async (s) => {
      const k = key('hash')
      assert.deepEqual(await s.hashGetAll(k), {})
      await s.hashSet(k, { a: '1', b: 'x' })
      await s.hashSet(k, { a: '2' })
      assert.equal(await s.hashIncrement(k, 'n', 1.5), 1.5)
      assert.equal(await s.hashIncrement(k, 'n', 1), 2.5)
      assert.deepEqual(await s.hashGetAll(k), { a: '2', b: 'x', n: '2.5' })
      assert.equal(await s.ping(), true)
    }))
}
