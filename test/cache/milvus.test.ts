import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseMilvusConfig } from '../../src/cache/milvus/milvus-config.js'
import { backendKind, BUILTIN_CACHE_BACKENDS } from '../../src/cache/registry.js'
import { isRouterError } from '../../src/errors.js'
import { buildOptions, createBackend } from './conformance.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'upstream-configs')

describe('milvus backend config', () => {
  it("parses upstream's milvus.yaml with its own schema", () => {
    const config = parseMilvusConfig(
      readFileSync(join(FIXTURES, 'semantic-cache_milvus.yaml'), 'utf8'),
    )
    assert.equal(config.connection.port, 19530)
    assert.equal(config.connection.database, 'semantic_router_cache')
    assert.equal(config.collection.vector_field.metric_type, 'IP')
    assert.equal(config.collection.index.params.efConstruction, 64)
    assert.equal(config.search.consistency_level, 'Session')
    assert.equal(config.development.drop_collection_on_startup, true)
  })

  it('reports every mistake with its path', () => {
    assert.throws(
      () => parseMilvusConfig('connection: { port: "abc" }\nsearch: { topk: 0 }\n', 'bad.yaml'),
      (err: unknown) =>
        isRouterError(err) &&
        err.code === 'config_invalid' &&
        /connection\.port/.test(err.message) &&
        /search\.topk/.test(err.message),
    )
  })

  it('is recognised but not available: a clear error, not a crash', async () => {
    await assert.rejects(
      createBackend(
        BUILTIN_CACHE_BACKENDS.get('milvus')!,
        buildOptions({
          backendConfigPath: 'semantic-cache_milvus.yaml',
          baseDir: FIXTURES,
        }),
      ),
      (err: unknown) =>
        isRouterError(err) &&
        err.code === 'cache_backend_unavailable' &&
        /not available in this build/.test(err.message) &&
        /localhost:19530\/semantic_cache/.test(err.message),
    )
  })

  it('maps the empty backend_type to memory, as upstream', () => {
    assert.equal(backendKind(''), 'memory')
    assert.equal(BUILTIN_CACHE_BACKENDS.get('hybrid')?.capabilities.shared, true)
  })
})

describe('semantic_cache config checks', () => {
  it('requires connection settings for postgres and warns for hybrid, milvus and unknown TTL categories', async () => {
    const { parseRouterConfig } = await import('../../src/assembly/load-config.js')
    assert.throws(
      () => parseRouterConfig('semantic_cache: { enabled: true, backend_type: postgres }'),
      (err: unknown) => isRouterError(err) && /semantic_cache\.backend\.postgres/.test(err.message),
    )
    const { warnings } = parseRouterConfig(
      'semantic_cache: { enabled: true, backend_type: hybrid, category_ttl_seconds: { nope: 5 } }',
    )
    assert.deepEqual(warnings.map((w) => w.path).sort(), [
      'semantic_cache.backend_type',
      'semantic_cache.category_ttl_seconds.nope',
    ])
  })
})
