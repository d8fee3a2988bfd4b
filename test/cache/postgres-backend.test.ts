import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgresBackendSchema } from '../../src/cache/postgres/options.js'
import {
  PostgresBackend,
  postgresBackendPlugin,
} from '../../src/cache/postgres/postgres-backend.js'
import { createHybridBackend, hybridBackendPlugin } from '../../src/cache/hybrid/hybrid-backend.js'
import { openPglite, type SqlClient } from '../../src/cache/postgres/sql-client.js'
import type { BackendBuildOptions } from '../../src/cache/types.js'
import { startPgliteServer, type PgliteServer } from '../helpers/pglite-server.js'
import { backendConformance, buildOptions, createBackend, DIM } from './conformance.js'
import { randomUnit, seededRandom } from './vectors.js'

let server: PgliteServer
let embedded: SqlClient
let dir: string
let tables = 0

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sr-cache-pg-'))
  ;[server, embedded] = await Promise.all([
    startPgliteServer(),
    openPglite(join(dir, 'embedded'), postgresBackendSchema.parse({})),
  ])
})
after(async () => {
  await Promise.all([server.close(), embedded.close()])
  rmSync(dir, { recursive: true, force: true })
})

function pgOptions(options: BackendBuildOptions, table: string): BackendBuildOptions {
  return {
    ...options,
    sections: { ...options.sections, postgres: { connection_string: server.url, table } },
  }
}

backendConformance('postgres (pg over the wire)', {
  persistent: true,
  async build(options) {
    const withPg = pgOptions(options, `conf_${++tables}`)
    const backend = await createBackend(postgresBackendPlugin, withPg)
    return {
      backend,
      async reopen() {
        await backend.close()
        return createBackend(postgresBackendPlugin, withPg)
      },
    }
  },
})

/** The embedded client is shared by the suite; a backend's close() must not close it. */
function shared(client: () => SqlClient): SqlClient {
  return {
    kind: 'pglite',
    get target() {
      return client().target
    },
    query: (text, params) => client().query(text, params),
    close: () => Promise.resolve(),
  }
}

backendConformance('postgres (embedded PGlite with a data directory)', {
  persistent: true,
  build(options) {
    const pg = postgresBackendSchema.parse({ data_dir: 'unused', table: `emb_${++tables}` })
    const backend = new PostgresBackend(
      shared(() => embedded),
      options,
      pg,
    )
    return Promise.resolve({
      backend,
      async reopen() {
        // A real restart: close the database files and open them again.
        await embedded.close()
        embedded = await openPglite(join(dir, 'embedded'), pg)
        return new PostgresBackend(
          shared(() => embedded),
          options,
          pg,
        )
      },
    })
  },
})

backendConformance('hybrid (memory index in front of postgres)', {
  persistent: true,
  async build(options) {
    const withPg = pgOptions(options, `hyb_${++tables}`)
    const backend = await createBackend(hybridBackendPlugin, withPg)
    return {
      backend,
      async reopen() {
        await backend.close()
        return createBackend(hybridBackendPlugin, withPg)
      },
    }
  },
})

describe('hybrid backend across replicas', () => {
  it('finds rows another replica wrote after a sync, and forgets rows deleted elsewhere', async () => {
    const options = pgOptions(buildOptions(), `replicas_${++tables}`)
    const a = await createHybridBackend(options, { sync_interval_ms: 0 })
    const b = await createHybridBackend(options, { sync_interval_ms: 0 })
    const rand = seededRandom(7)
    const v = randomUnit(DIM, rand)
    const request = { model: 'm', context: '', embedding: v, threshold: 0.9, limit: 2 }
    await a.insert({
      model: 'm',
      context: '',
      query: 'shared',
      embedding: v,
      response: '{}',
      ttlSeconds: 0,
    })
    assert.equal((await b.search(request)).length, 0)
    await b.sync()
    assert.equal((await b.search(request))[0]?.entry.query, 'shared')
    assert.equal(await a.clear(), 1)
    assert.equal((await b.search(request)).length, 0)
    assert.equal(((await b.stats()).details as { indexed_in_memory: number }).indexed_in_memory, 0)
    await Promise.all([a.close(), b.close()])
  })
})
