/**
 * Every registered cache backend runs the conformance suite (test/cache/conformance.ts): a backend
 * added to the registry without a conformance run fails here.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BUILTIN_CACHE_BACKENDS } from '../../src/cache/registry.js'

/** The test file that runs each backend through `backendConformance`, by kind. */
const CONFORMANCE_RUNS: Readonly<Record<string, string | null>> = {
  memory: 'memory-backend.test.ts',
  postgres: 'postgres-backend.test.ts',
  hybrid: 'postgres-backend.test.ts',
  // Not available in this build (no Milvus here): milvus.test.ts checks that it fails cleanly.
  milvus: null,
}

describe('cache backend registry', () => {
  it('has a conformance run for every registered backend', () => {
    assert.deepEqual(BUILTIN_CACHE_BACKENDS.kinds().sort(), Object.keys(CONFORMANCE_RUNS).sort())
    for (const [kind, file] of Object.entries(CONFORMANCE_RUNS)) {
      if (file === null) continue
      const text = readFileSync(join(import.meta.dirname, file), 'utf8')
      assert.match(
        text,
        new RegExp(`createBackend\\(${kind}BackendPlugin`),
        `${file} builds ${kind}`,
      )
      assert.match(text, /backendConformance\(/)
    }
  })

  it('keeps each backend options schema strict (unknown keys are errors)', () => {
    for (const plugin of BUILTIN_CACHE_BACKENDS.all())
      assert.equal(
        plugin.optionsSchema.safeParse({ no_such_option: 1 }).success,
        false,
        plugin.kind,
      )
  })
})
