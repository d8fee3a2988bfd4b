/**
 * The conformance suite every cache backend passes. A backend test file calls
 * `backendConformance(name, harness)`; the harness builds a fresh, isolated backend per test (its own
 * table, its own directory) and, for persistent backends, can reopen the same store.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { silentLogger } from '../../src/log.js'
import type { AnyCacheBackendPlugin } from '../../src/cache/registry.js'
import type {
  BackendBuildOptions,
  CacheBackend,
  EvictionPolicyName,
  EvictionReason,
  NewEntry,
} from '../../src/cache/types.js'
import { requireOptions } from '../../src/config/plugin.js'
import { TestClock, randomUnit, seededRandom, withSimilarity } from './vectors.js'

export const DIM = 32

export interface BuiltBackend {
  readonly backend: CacheBackend
  /** Close and open the same store again (persistent backends only). */
  reopen?(): Promise<CacheBackend>
}

export interface ConformanceHarness {
  /** Build a fresh empty backend; `options` already carries the clock and eviction settings. */
  build(options: BackendBuildOptions): Promise<BuiltBackend>
  /** The backend keeps entries across a reopen (postgres, embedded, hybrid). */
  readonly persistent: boolean
}

export interface EvictionLog {
  readonly events: Array<{ reason: EvictionReason; count: number }>
}

export function buildOptions(
  overrides: Partial<BackendBuildOptions> = {},
): BackendBuildOptions & EvictionLog {
  const events: Array<{ reason: EvictionReason; count: number }> = []
  const clock = new TestClock()
  return {
    dimension: DIM,
    maxEntries: 0,
    evictionPolicy: 'fifo',
    useHnsw: true,
    sections: { memory: { exact_search_below: 8 }, hybrid: { sync_interval_ms: 0 } },
    maxMemoryEntries: 0,
    backendConfigPath: undefined,
    baseDir: process.cwd(),
    log: silentLogger(),
    now: clock.now,
    onEvict: (reason, count) => events.push({ reason, count }),
    events,
    ...overrides,
  }
}

/** Build a backend as the router does: its own section of `build.sections`, parsed by its schema. */
export function createBackend(
  plugin: AnyCacheBackendPlugin,
  build: BackendBuildOptions,
): Promise<CacheBackend> {
  const own = requireOptions(plugin, build.sections[plugin.kind], [
    'semantic_cache',
    'backend',
    plugin.kind,
  ])
  return plugin.create(build, own)
}

const rand = seededRandom(42)

function entry(vector: Float32Array, over: Partial<NewEntry> = {}): NewEntry {
  return {
    model: 'model-a',
    context: '',
    query: 'q',
    embedding: vector,
    response: '{"object":"chat.completion"}',
    ttlSeconds: 0,
    ...over,
  }
}

function search(backend: CacheBackend, v: Float32Array, over: Record<string, unknown> = {}) {
  return backend.search({
    model: 'model-a',
    context: '',
    embedding: v,
    threshold: 0.8,
    limit: 3,
    ...over,
  })
}

export function backendConformance(name: string, harness: ConformanceHarness): void {
  describe(`cache backend conformance: ${name}`, () => {
    it('inserts and finds an entry (hit), with the stored fields', async () => {
      const { backend } = await harness.build(buildOptions())
      const v = randomUnit(DIM, rand)
      const id = await backend.insert(entry(v, { query: 'what is 2+2', response: '{"x":1}' }))
      const hits = await search(backend, v)
      assert.equal(hits.length, 1)
      assert.equal(hits[0]!.entry.id, id)
      assert.equal(hits[0]!.entry.query, 'what is 2+2')
      assert.equal(hits[0]!.entry.response, '{"x":1}')
      assert.ok(hits[0]!.similarity > 0.999)
      assert.equal((await backend.stats()).entries, 1)
      await backend.close()
    })

    it('returns an empty list (a miss) when nothing is close enough', async () => {
      const { backend } = await harness.build(buildOptions())
      const v = randomUnit(DIM, rand)
      assert.deepEqual(await search(backend, v), [])
      await backend.insert(entry(v))
      assert.deepEqual(await search(backend, withSimilarity(v, 0.1, rand)), [])
      await backend.close()
    })

    it('applies the similarity threshold and orders candidates best first', async () => {
      const { backend } = await harness.build(buildOptions())
      const v = randomUnit(DIM, rand)
      await backend.insert(entry(withSimilarity(v, 0.9, rand), { query: 'near' }))
      await backend.insert(entry(withSimilarity(v, 0.97, rand), { query: 'nearer' }))
      const loose = await search(backend, v, { threshold: 0.85 })
      assert.deepEqual(
        loose.map((c) => c.entry.query),
        ['nearer', 'near'],
      )
      assert.ok(Math.abs(loose[0]!.similarity - 0.97) < 1e-3)
      const strict = await search(backend, v, { threshold: 0.95 })
      assert.deepEqual(
        strict.map((c) => c.entry.query),
        ['nearer'],
      )
      assert.equal((await search(backend, v, { threshold: 0.99 })).length, 0)
      await backend.close()
    })

    it('isolates models and contexts', async () => {
      const { backend } = await harness.build(buildOptions())
      const v = randomUnit(DIM, rand)
      await backend.insert(entry(v, { model: 'model-a' }))
      await backend.insert(entry(v, { model: 'model-a', context: 'sys1', query: 'ctx' }))
      assert.equal((await search(backend, v, { model: 'model-b' })).length, 0)
      const ctx = await search(backend, v, { context: 'sys1' })
      assert.deepEqual(
        ctx.map((c) => c.entry.query),
        ['ctx'],
      )
      assert.equal((await search(backend, v, { context: 'sys2' })).length, 0)
      assert.equal(await backend.clear('model-b'), 0)
      assert.equal(await backend.clear('model-a'), 2)
      assert.equal((await backend.stats()).entries, 0)
      await backend.close()
    })

    it('expires entries after their own TTL', async () => {
      const clock = new TestClock()
      const options = buildOptions({ now: clock.now })
      const { backend } = await harness.build(options)
      const short = randomUnit(DIM, rand)
      const long = randomUnit(DIM, rand)
      const forever = randomUnit(DIM, rand)
      await backend.insert(entry(short, { ttlSeconds: 10 }))
      await backend.insert(entry(long, { ttlSeconds: 100 }))
      await backend.insert(entry(forever, { ttlSeconds: 0 }))
      clock.advance(11)
      assert.equal((await search(backend, short)).length, 0)
      assert.equal((await search(backend, long)).length, 1)
      clock.advance(100)
      assert.equal((await search(backend, long)).length, 0)
      assert.equal((await search(backend, forever)).length, 1)
      assert.equal((await backend.stats()).entries, 1)
      await backend.close()
    })

    for (const policy of ['fifo', 'lru', 'lfu'] as const) {
      it(`evicts by ${policy} when max_entries is reached`, async () => {
        await checkEviction(harness, policy)
      })
    }

    it('counts hits', async () => {
      const { backend } = await harness.build(buildOptions())
      const v = randomUnit(DIM, rand)
      const id = await backend.insert(entry(v))
      await backend.touch(id)
      await backend.touch(id)
      await backend.touch('no-such-id')
      const [hit] = await search(backend, v)
      assert.equal(hit?.entry.hitCount, 2)
      await backend.close()
    })

    it('keeps searching correctly past the exact-scan size', async () => {
      const { backend } = await harness.build(buildOptions())
      const vectors = Array.from({ length: 40 }, () => randomUnit(DIM, rand))
      for (const [i, v] of vectors.entries()) await backend.insert(entry(v, { query: `q${i}` }))
      await (backend as { ready?: () => Promise<void> }).ready?.()
      for (const i of [0, 17, 39]) {
        const hits = await search(backend, vectors[i]!, { threshold: 0.99 })
        assert.equal(hits[0]?.entry.query, `q${i}`)
      }
      await backend.close()
    })

    if (harness.persistent)
      it('keeps entries across a restart', async () => {
        const built = await harness.build(buildOptions())
        const v = randomUnit(DIM, rand)
        await built.backend.insert(entry(v, { query: 'persisted', ttlSeconds: 3600 }))
        const reopened = await built.reopen!()
        const hits = await search(reopened, v)
        assert.equal(hits[0]?.entry.query, 'persisted')
        assert.equal((await reopened.stats()).entries, 1)
        await reopened.close()
      })
  })
}

async function checkEviction(harness: ConformanceHarness, policy: EvictionPolicyName) {
  const options = buildOptions({ maxEntries: 3, evictionPolicy: policy })
  const { backend } = await harness.build(options)
  const [a, b, c, d] = Array.from({ length: 4 }, () => randomUnit(DIM, rand))
  const ids = {
    a: await backend.insert(entry(a!, { query: 'a' })),
    b: await backend.insert(entry(b!, { query: 'b' })),
    c: await backend.insert(entry(c!, { query: 'c' })),
  }
  // Hits c, c, b, a: a is the oldest insert (fifo), c the least recently used (lru), and b the
  // least recently used of the least used (lfu: a=1, b=1, c=2). Each policy has its own victim.
  await backend.touch(ids.c)
  await backend.touch(ids.c)
  await backend.touch(ids.b)
  await backend.touch(ids.a)
  await backend.insert(entry(d!, { query: 'd' }))
  const expectedVictim = { fifo: 'a', lru: 'c', lfu: 'b' }[policy]
  const present: string[] = []
  for (const [q, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['d', d],
  ] as const)
    if ((await search(backend, v!, { threshold: 0.99 })).length > 0) present.push(q)
  assert.deepEqual(
    present,
    ['a', 'b', 'c', 'd'].filter((q) => q !== expectedVictim),
    `${policy} should evict ${expectedVictim}`,
  )
  assert.equal((await backend.stats()).entries, 3)
  assert.deepEqual(options.events, [{ reason: 'capacity', count: 1 }])
  await backend.close()
}
