/**
 * A new cache backend is one file (its folder) plus a registration: this exact-scan list backend
 * exists only in this test. Its options schema sits beside it; it passes the same conformance suite
 * as the built-in backends; an app that registers it (`withPlugins`) accepts a config naming it,
 * checks its `semantic_cache.backend.list` options when the config loads, and serves cache hits
 * from it through a real gateway in front of a real simulator; an app that does not refuses the
 * config at load. Nothing under src/ changes.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { z } from 'zod'
import { parseRouterConfig } from '../../src/assembly/load-config.js'
import { BUILTIN_PLUGINS, withPlugins } from '../../src/assembly/plugins.js'
import { createEvictionPolicy } from '../../src/cache/eviction.js'
import type {
  BackendBuildOptions,
  CacheBackend,
  CacheBackendPlugin,
  Candidate,
  NewEntry,
  StoredEntry,
} from '../../src/cache/types.js'
import type { Simulator } from '../../src/simulator/index.js'
import { startRouter, startSim, type TestRouter } from '../helpers/router.js'
import { backendConformance, createBackend } from './conformance.js'

const listOptions = z.strictObject({
  /** Only the most recent entries of a partition are compared with a query. */
  scan_limit: z.number().int().positive().default(10_000),
})
type ListOptions = z.infer<typeof listOptions>

interface Row extends StoredEntry {
  readonly embedding: Float32Array
  hitCount: number
}

/** The whole backend: rows in insertion order, exact cosine scan, the shared eviction policies. */
class ListBackend implements CacheBackend {
  readonly name = 'list'
  readonly capabilities = listBackend.capabilities
  private readonly rows = new Map<string, Row>()
  private readonly policy
  private nextId = 0

  constructor(
    private readonly build: BackendBuildOptions,
    private readonly options: ListOptions,
  ) {
    this.policy = createEvictionPolicy<string>(build.evictionPolicy)
  }

  search(request: Parameters<CacheBackend['search']>[0]): Promise<Candidate[]> {
    this.expire()
    const same = [...this.rows.values()].filter(
      (r) => r.model === request.model && r.context === request.context,
    )
    const found: Candidate[] = []
    for (const row of same.slice(-this.options.scan_limit)) {
      let similarity = 0
      for (let i = 0; i < row.embedding.length; i++)
        similarity += row.embedding[i]! * request.embedding[i]!
      if (similarity >= request.threshold) found.push({ entry: { ...row }, similarity })
    }
    found.sort((a, b) => b.similarity - a.similarity)
    return Promise.resolve(found.slice(0, request.limit))
  }

  insert(entry: NewEntry): Promise<string> {
    this.expire()
    const id = String(++this.nextId)
    if (this.build.maxEntries > 0 && this.rows.size >= this.build.maxEntries) {
      const victim = this.policy.victim()
      if (victim !== undefined) this.remove(victim)
      this.build.onEvict('capacity', 1)
    }
    const now = this.build.now()
    const expiresAt = entry.ttlSeconds > 0 ? now + entry.ttlSeconds * 1000 : null
    this.rows.set(id, { ...entry, id, createdAt: now, expiresAt, hitCount: 0 })
    this.policy.inserted(id)
    return Promise.resolve(id)
  }

  touch(id: string): Promise<void> {
    const row = this.rows.get(id)
    if (row) {
      row.hitCount++
      this.policy.accessed(id)
    }
    return Promise.resolve()
  }

  clear(model?: string): Promise<number> {
    const gone = [...this.rows.values()].filter((r) => model === undefined || r.model === model)
    for (const row of gone) this.remove(row.id)
    return Promise.resolve(gone.length)
  }

  stats() {
    this.expire()
    return Promise.resolve({
      entries: this.rows.size,
      memoryBytes: 0,
      details: { scan_limit: this.options.scan_limit },
    })
  }

  close(): Promise<void> {
    this.rows.clear()
    return Promise.resolve()
  }

  private remove(id: string): void {
    this.rows.delete(id)
    this.policy.removed(id)
  }

  private expire(): void {
    const now = this.build.now()
    let expired = 0
    for (const row of [...this.rows.values()])
      if (row.expiresAt !== null && row.expiresAt <= now) {
        this.remove(row.id)
        expired++
      }
    if (expired > 0) this.build.onEvict('ttl', expired)
  }
}

const listBackend: CacheBackendPlugin<ListOptions> = {
  kind: 'list',
  description: 'exact scan over a list (test only)',
  optionsSchema: listOptions,
  capabilities: {
    shared: false,
    persistent: false,
    approximate: false,
    evictionPolicies: ['fifo', 'lru', 'lfu'],
  },
  create: (build, options) => Promise.resolve(new ListBackend(build, options)),
}

backendConformance('list (registered from a test)', {
  persistent: false,
  build: async (options) => ({
    backend: await createBackend(listBackend, {
      ...options,
      sections: { list: { scan_limit: 100 } },
    }),
  }),
})

const plugins = withPlugins(BUILTIN_PLUGINS, { cacheBackends: [listBackend] })

const config = (sim: Simulator, list: string) => `
vllm_endpoints:
  - { name: ep1, address: 127.0.0.1, port: ${sim.port}, weight: 1 }
model_config:
  qwen3: { preferred_endpoints: [ep1] }
default_model: qwen3
semantic_cache:
  enabled: true
  backend_type: list
  similarity_threshold: 0.9
  backend:
    list: ${list}
`

describe('a cache backend registered from a test', () => {
  let sim: Simulator
  let router: TestRouter

  before(async () => {
    sim = await startSim({ models: ['qwen3'] })
    router = await startRouter(config(sim, '{ scan_limit: 50 }'), { plugins })
  })
  after(async () => {
    await router?.close()
    await sim?.close()
  })

  it('is chosen by backend_type, gets its own options, and answers repeated questions', async () => {
    const first = await ask(router, 'What is the boiling point of water at sea level?')
    assert.equal(first.hit, null)
    const second = await ask(router, 'What is the boiling point of water at sea level?')
    assert.equal(second.hit, 'true')
    assert.equal(second.text, first.text)
    assert.equal(sim.receivedChats().length, 1, 'the second answer came from the cache')
    const ready = router.events('cache_ready')
    assert.equal(ready[0]?.['backend'], 'list')
    assert.match(await router.metricsText(), /llm_cache_backend_up\{backend="list"\} 1/)
  })

  it('is refused at load by an app that does not register it, and its options are checked', async () => {
    await assert.rejects(
      startRouter(config(sim, '{ scan_limit: 50 }')),
      /semantic_cache\.backend_type \(line \d+\): unknown cache backend "list"/,
    )
    await assert.rejects(
      startRouter(config(sim, '{ scan_limit: 0 }'), { plugins }),
      /semantic_cache\.backend\.list\.scan_limit \(line \d+\)/,
    )
    await assert.rejects(
      startRouter(config(sim, '{ scan_limt: 5 }'), { plugins }),
      /semantic_cache\.backend\.list\.scan_limt \(line \d+\): unknown option/,
    )
  })
})

/** An upstream v0.3 document whose response cache names a store kind. */
const v03 = (backend: string, options: string) => `version: v0.3
providers:
  defaults: { default_model: small }
  models:
    - { name: small, backend_refs: [{ name: sim, endpoint: "127.0.0.1:9" }] }
routing:
  modelCards: [{ name: small }]
  decisions:
    - name: everything
      priority: 1
      modelRefs: [{ model: small }]
      plugins: [{ type: response_cache, configuration: { enabled: true } }]
global:
  stores:
    response_cache:
      backend_type: ${backend}
      backend: { ${backend}: ${options} }
`

describe('a registered cache backend in an upstream v0.3 config', () => {
  it('is passed through to the registry and checked there, with no v0.3 code knowing it', () => {
    const loaded = parseRouterConfig(v03('list', '{ scan_limit: 7 }'), { plugins })
    assert.equal(loaded.config.semantic_cache.backend_type, 'list')
    assert.equal(loaded.config.semantic_cache.enabled, true)
    assert.throws(
      () => parseRouterConfig(v03('list', '{ scan_limit: 0 }'), { plugins }),
      /semantic_cache\.backend\.list\.scan_limit/,
    )
    assert.throws(
      () => parseRouterConfig(v03('list', '{}')),
      /semantic_cache\.backend_type.*unknown cache backend "list"/,
    )
  })

  it("still turns upstream's stores this build lacks off, with a warning", () => {
    const loaded = parseRouterConfig(v03('redis', '{}').replace(/\n {6}backend: .*\n/, '\n'))
    assert.equal(loaded.config.semantic_cache.enabled, false)
    assert.ok(loaded.warnings.some((w) => /backend "redis" is not available/.test(w.message)))
  })
})

async function ask(router: TestRouter, content: string) {
  const res = await fetch(`${router.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'qwen3', messages: [{ role: 'user', content }] }),
  })
  const body = (await res.json()) as { choices: { message: { content: string } }[] }
  assert.equal(res.status, 200)
  return { hit: res.headers.get('x-vsr-cache-hit'), text: body.choices[0]!.message.content }
}
